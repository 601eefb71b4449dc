// live/audio_input: what the live loop reads sound from: a capture device or a file being played,
// delivering 22050 Hz mono blocks from a reading thread that never waits for the loop (a bounded
// queue drops the oldest block and counts it as an overrun).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "live/audio_block.h"
#include "live/dropping_queue.h"
#include "live/input_source.h"

namespace bgv::live {

struct InputSettings {
    // Capture devices: the format asked of the device (it converts if the hardware differs) and
    // how much it hands over at a time (PulseAudio's fragment; FFmpeg's default is 50 ms): a
    // sample waits for the rest of its fragment, which the click-to-picture latency counts.
    int device_sample_rate = 48000;
    int device_channels = 2;
    int fragment_ms = 5;
    // Files: the FFmpeg output device that plays them ("pulse", "alsa"; "none" plays nothing and
    // paces the file by the clock), its device ("" = the default output) and its buffer.
    std::string playback = "pulse";
    std::string playback_device;
    int playback_buffer_ms = 100;
    // Blocks waiting for the loop before the oldest is dropped (a block is a device fragment or a
    // decoded frame, 10 to 50 ms: 512 of them are several seconds).
    std::size_t queue_blocks = 512;
};

class AudioInput {
  public:
    virtual ~AudioInput();
    AudioInput(const AudioInput&) = delete;
    AudioInput& operator=(const AudioInput&) = delete;

    // The oldest block not yet taken, waiting up to `timeout`; nothing on timeout or once the
    // input has ended. After the last block, rethrows the error that stopped the reading thread.
    std::optional<AudioBlock> next_block(Clock::duration timeout);
    // The input is over (end of the file, or a failure) and every block was taken.
    bool ended() const { return blocks_.drained(); }
    // Blocks dropped because the loop did not take them in time.
    std::int64_t overruns() const { return blocks_.dropped(); }
    // Which sample is heard now: the newest captured, or the one a file's playback is at.
    virtual HeardPosition heard_now() const = 0;
    const std::string& name() const { return name_; }
    // Stops the reading thread (the destructor does it too).
    void stop();

  protected:
    AudioInput(std::string name, std::size_t queue_blocks);
    // Runs `body` on the reading thread; an exception from it ends the input with that error.
    void start_reading(std::function<void()> body);
    // From the reading thread: never waits.
    void deliver(AudioBlock block);
    bool stopping() const { return stop_.load(); }
    const std::atomic<bool>* stop_flag() const { return &stop_; }

  private:
    std::string name_;
    DroppingQueue<AudioBlock> blocks_;
    std::atomic<bool> stop_{false};
    std::mutex error_mutex_;
    std::exception_ptr error_;
    std::thread thread_;
};

// A file source that is missing, not a file or without a decodable audio stream is refused here,
// in one line naming it, before anything slow (the model's download and load); a device is only
// checked when opened (opening one starts its capture).
void check_input(const InputSource& source);

// Opens `source` (errors for a missing device or file are thrown here) and starts reading it.
std::unique_ptr<AudioInput> open_audio_input(const InputSource& source,
                                             const InputSettings& settings = {});

}  // namespace bgv::live
