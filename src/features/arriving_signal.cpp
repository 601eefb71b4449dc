#include "features/arriving_signal.h"

#include <algorithm>

#include "core/assert.h"

namespace bgv::features {

ArrivingSignal::ArrivingSignal(std::int64_t length) : length_(length) {}

void ArrivingSignal::append(std::span<const float> samples) {
    BGV_ASSERT(arrived() + static_cast<std::int64_t>(samples.size()) <= length_,
               "{} samples arrived for a signal of {}",
               arrived() + static_cast<std::int64_t>(samples.size()), length_);
    held_.insert(held_.end(), samples.begin(), samples.end());
}

std::int64_t ArrivingSignal::frames_ready(int frame_length, int hop) const {
    const std::int64_t frames = stft_frame_count(length_, hop);
    if (arrived() >= length_) {
        return frames;
    }
    // Frame t reads up to sample t·hop + frame_length / 2 (exclusive).
    const std::int64_t reach = arrived() - frame_length / 2;
    return reach < 0 ? 0 : std::min(frames, reach / hop + 1);
}

SignalWindow ArrivingSignal::window() const {
    return {held_, first_, length_};
}

void ArrivingSignal::release(std::int64_t from) {
    const std::int64_t drop = std::min(from - first_, static_cast<std::int64_t>(held_.size()));
    // In big steps only, so that the copies cost nothing next to the passes.
    if (drop > 0 && drop >= static_cast<std::int64_t>(held_.size()) / 2) {
        held_.erase(held_.begin(), held_.begin() + drop);
        first_ += drop;
    }
}

}  // namespace bgv::features
