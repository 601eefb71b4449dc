// live/capture_clock: when captured samples reached the sound card, on the monotonic clock, from
// when bigganviz received them: the earliest arrival seen for the stream's position, over a
// sliding window, so late wake-ups of the reading thread never make sound look later than it is.
#pragma once

#include <cstdint>
#include <deque>

#include "live/audio_block.h"

namespace bgv::live {

class CaptureClock {
  public:
    // `window_seconds` of stream are remembered: long enough to hold a prompt arrival, short
    // enough to follow a sound card whose clock drifts from the system's (0.01 % is 0.4 ms in 4 s).
    explicit CaptureClock(int sample_rate, double window_seconds = 4.0);

    // `count` more samples arrived at `arrival` (all of them: the last one had been captured by
    // then). Returns the time of the first of them: position / rate after the stream's origin,
    // the origin being the earliest that any arrival in the window allows.
    Clock::time_point arrived(std::int64_t count, Clock::time_point arrival);

  private:
    struct Bound {
        std::int64_t end;          // samples received up to this arrival
        Clock::time_point origin;  // arrival - end / rate: when sample 0 was captured, at latest
    };
    int rate_;
    std::int64_t window_;
    std::int64_t received_ = 0;
    std::deque<Bound> bounds_;  // increasing `end`, increasing `origin`: the window's minima
};

}  // namespace bgv::live
