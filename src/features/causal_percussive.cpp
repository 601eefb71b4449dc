#include "features/causal_percussive.h"

#include <algorithm>
#include <limits>

#include "core/assert.h"
#include "core/error.h"
#include "features/hpss.h"
#include "features/median_filter.h"

namespace bgv::features {

CausalPercussiveMask::CausalPercussiveMask(int bins, int history) : bins_(bins), history_(history) {
    if (bins < 1 || history < 1) {
        fail("a percussive mask needs bins and history, not {} and {}", bins, history);
    }
    const auto size = static_cast<std::size_t>(bins) * static_cast<std::size_t>(history);
    past_.assign(size, 0.0F);
    sorted_.assign(size, 0.0F);
    frame_.assign(static_cast<std::size_t>(bins), 0.0F);
    across_.assign(static_cast<std::size_t>(bins), 0.0F);
    scratch_.assign(static_cast<std::size_t>(history), 0.0F);
}

void CausalPercussiveMask::split(std::span<const double> power,
                                 std::span<double> percussive_power) {
    share(power, percussive_power, true);
    ++frames_seen_;
}

void CausalPercussiveMask::peek(std::span<const double> power, std::span<double> percussive_power) {
    share(power, percussive_power, false);
}

void CausalPercussiveMask::share(std::span<const double> power, std::span<double> percussive_power,
                                 bool keep) {
    BGV_ASSERT(static_cast<int>(power.size()) == bins_ && percussive_power.size() == power.size(),
               "percussive mask of {} bins given {} and {}", bins_, power.size(),
               percussive_power.size());
    for (int k = 0; k < bins_; ++k) {
        frame_[static_cast<std::size_t>(k)] =
            static_cast<float>(power[static_cast<std::size_t>(k)]);
    }
    // The percussive estimate: the median across 31 bins, reflected at the ends as librosa's.
    median_filter_rows(frame_, 1, bins_, kHpssKernel, across_, 1);

    // The harmonic estimate: each bin's median over this frame and the ones before it, from a
    // sorted copy of its history that loses the oldest value and gains the new one.
    const int count = std::min(frames_seen_ + 1, history_);
    const auto slot = static_cast<std::size_t>(frames_seen_ % history_);
    const bool full = frames_seen_ >= history_;
    for (int k = 0; k < bins_; ++k) {
        const auto bin = static_cast<std::size_t>(k);
        float* sorted = sorted_.data() + bin * static_cast<std::size_t>(history_);
        float& oldest = past_[slot * static_cast<std::size_t>(bins_) + bin];
        int size = count - (full ? 0 : 1);  // values in `sorted` before this frame
        if (!keep) {
            std::copy(sorted, sorted + size, scratch_.begin());
            sorted = scratch_.data();
        }
        if (full) {
            float* leaving = std::lower_bound(sorted, sorted + size, oldest);
            std::copy(leaving + 1, sorted + size, leaving);
            --size;
        }
        const float entering = frame_[bin];
        float* place = std::upper_bound(sorted, sorted + size, entering);
        std::copy_backward(place, sorted + size, sorted + size + 1);
        *place = entering;
        if (keep)
            oldest = entering;
        const double harmonic = sorted[count / 2];
        const double percussive = across_[bin];
        const double total = harmonic + percussive;
        const double share = total < static_cast<double>(std::numeric_limits<float>::min())
                                 ? 0.5
                                 : percussive / total;
        percussive_power[bin] = power[bin] * share;
    }
}

}  // namespace bgv::features
