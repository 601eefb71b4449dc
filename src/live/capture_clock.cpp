#include "live/capture_clock.h"

#include <chrono>

#include "core/assert.h"

namespace bgv::live {

namespace {
Clock::duration samples_to_duration(std::int64_t samples, int rate) {
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(samples) / rate));
}
}  // namespace

CaptureClock::CaptureClock(int sample_rate, double window_seconds)
    : rate_(sample_rate), window_(static_cast<std::int64_t>(window_seconds * sample_rate)) {
    BGV_ASSERT(sample_rate > 0 && window_ > 0);
}

Clock::time_point CaptureClock::arrived(std::int64_t count, Clock::time_point arrival) {
    BGV_ASSERT(count >= 0);
    const std::int64_t first = received_;
    received_ += count;
    const Bound bound{received_, arrival - samples_to_duration(received_, rate_)};
    // A later bound with an earlier origin makes the earlier ones useless: the deque keeps the
    // minima of every suffix of the window, its front the window's minimum.
    while (!bounds_.empty() && bounds_.back().origin >= bound.origin)
        bounds_.pop_back();
    bounds_.push_back(bound);
    while (bounds_.front().end < received_ - window_)
        bounds_.pop_front();
    return bounds_.front().origin + samples_to_duration(first, rate_);
}

}  // namespace bgv::live
