// live/live_frame: a generated picture on its way to the live outputs (window, camera device,
// stream, recording), with the moment it is due on screen, and the outputs' common interface.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "live/audio_block.h"

namespace bgv::live {

struct LiveFrame {
    std::int64_t index = 0;  // counts the session's frames from 0
    int width = 0;
    int height = 0;
    // width x height x 3 bytes, RGB, rows top to bottom; shared by every output, never written.
    std::shared_ptr<const std::vector<std::uint8_t>> rgb;
    // When it should be seen: when the sound it was made for is heard (AudioBlock times).
    Clock::time_point presentation_time;
};

// What an output did with the frames offered to it.
struct OutputCounts {
    std::int64_t offered = 0;
    std::int64_t written = 0;  // shown, sent or encoded
    std::int64_t dropped = 0;  // never written: the output was behind, or a newer frame was due
};

// A picture output. offer() never waits: each output works on its own thread from a bounded
// queue, so a slow one (a congested stream) drops its own frames and stalls nothing else.
class FrameOutput {
  public:
    virtual ~FrameOutput() = default;
    virtual void offer(const LiveFrame& frame) = 0;
    virtual OutputCounts counts() const = 0;
    virtual std::string name() const = 0;
};

}  // namespace bgv::live
