// live/playback: a file's samples sent to the loudspeaker through FFmpeg's audio output devices
// (pulse, alsa), with the device's clock read back: when each written sample will be heard.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

extern "C" {
#include <libavutil/channel_layout.h>
}

#include "live/audio_block.h"

namespace bgv::live {

class Playback {
  public:
    virtual ~Playback() = default;
    // Plays interleaved float frames that start at frame `first_frame` of the file (counted at
    // the file's rate); waits while the device's buffer is full. Returns when the first of them
    // will be heard.
    virtual Clock::time_point play(std::span<const float> interleaved,
                                   std::int64_t first_frame) = 0;
};

// `output` is "pulse" or "alsa" (FFmpeg's output device; `device` empty = its default output), or
// "none": nothing is heard and the samples are paced by the clock as if they were. The device
// buffers about `buffer_ms` ahead of the loudspeaker.
std::unique_ptr<Playback> open_playback(const std::string& output, const std::string& device,
                                        int sample_rate, const AVChannelLayout& layout,
                                        int buffer_ms);

}  // namespace bgv::live
