// live/frame_schedule: frames held until their presentation time: an output takes the newest
// frame that is due, skipping (and counting) older due ones it can no longer show in time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "live/live_frame.h"

namespace bgv::live {

class FrameSchedule {
  public:
    explicit FrameSchedule(std::size_t capacity = 8);

    // Frames come in the order of their presentation times; past `capacity` waiting, the
    // earliest is dropped (counted in skipped()).
    void add(LiveFrame frame);
    // The newest frame due at `now` (presentation time <= now); older due frames are skipped.
    std::optional<LiveFrame> take_due(Clock::time_point now);
    // When the earliest waiting frame is due; nothing when none waits.
    std::optional<Clock::time_point> next_due() const;
    std::int64_t skipped() const { return skipped_; }
    std::size_t waiting() const { return frames_.size(); }

  private:
    std::size_t capacity_;
    std::deque<LiveFrame> frames_;
    std::int64_t skipped_ = 0;
};

}  // namespace bgv::live
