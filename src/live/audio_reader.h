// live/audio_reader: the first audio stream of an FFmpeg input, decoded frame by frame: a file, or
// an input device of libavdevice (pulse, alsa, jack) that delivers what the sound card hears.
#pragma once

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "av/ffmpeg.h"

namespace bgv::live {

class AudioReader {
  public:
    // `device_format` empty: `url` is a file. Otherwise the libavdevice input ("pulse") and its
    // device ("default", "SINK.monitor"), opened with `options` (name, value: FFmpeg's options of
    // that device). Reads give up when `*stop` becomes true (where the input checks FFmpeg's
    // interrupt callback: files and network, not every device).
    AudioReader(const std::string& url, const std::string& device_format,
                const std::vector<std::pair<std::string, std::string>>& options,
                const std::atomic<bool>* stop);

    // The next decoded frame into `frame` (its best_effort_timestamp in time_base()); false at
    // the end of the input.
    bool next_frame(AVFrame* frame);

    AVRational time_base() const { return stream_->time_base; }
    const AVCodecParameters& parameters() const { return *stream_->codecpar; }
    // What the input is, for messages: "pulse:SINK.monitor", "song.ogg".
    const std::string& name() const { return name_; }

  private:
    static int interrupted(void* stop_flag);

    std::string name_;
    av::InputPtr input_;
    AVStream* stream_ = nullptr;
    av::CodecContextPtr decoder_;
    av::PacketPtr packet_;
    bool draining_ = false;
    bool ended_ = false;
};

// libavdevice's devices, registered once.
void register_devices();

}  // namespace bgv::live
