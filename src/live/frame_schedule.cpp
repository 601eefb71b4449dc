#include "live/frame_schedule.h"

#include <utility>

#include "core/assert.h"

namespace bgv::live {

FrameSchedule::FrameSchedule(std::size_t capacity) : capacity_(capacity) {
    BGV_ASSERT(capacity > 0);
}

void FrameSchedule::add(LiveFrame frame) {
    if (frames_.size() == capacity_) {
        frames_.pop_front();
        ++skipped_;
    }
    frames_.push_back(std::move(frame));
}

std::optional<LiveFrame> FrameSchedule::take_due(Clock::time_point now) {
    std::optional<LiveFrame> due;
    while (!frames_.empty() && frames_.front().presentation_time <= now) {
        if (due)
            ++skipped_;
        due = std::move(frames_.front());
        frames_.pop_front();
    }
    return due;
}

std::optional<Clock::time_point> FrameSchedule::next_due() const {
    if (frames_.empty())
        return std::nullopt;
    return frames_.front().presentation_time;
}

}  // namespace bgv::live
