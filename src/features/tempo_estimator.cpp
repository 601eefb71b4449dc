#include "features/tempo_estimator.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "features/stft.h"

namespace bgv::features {
namespace {

constexpr double kFloor = 1e-9;  // autocorrelations below this count as none
// Tempo moves within this many octaves (15 %) are drifts, beyond it jumps (TempoOptions' hold).
constexpr double kDrift = 0.2;

int power_of_two_at_least(int n) {
    int size = 2;
    while (size < n) {
        size *= 2;
    }
    return size;
}

int window_frames(double frame_rate, const TempoOptions& options) {
    if (!(frame_rate > 0) || !(options.window_seconds > 0) || options.update_every < 1 ||
        !(options.memory_seconds > 0) || !(options.min_bpm > 0) ||
        !(options.max_bpm > options.min_bpm) || !(options.prior_octaves > 0) ||
        !(options.transition_octaves > 0) || !(options.jump_cost >= 0) ||
        !(options.hold_fraction >= 0) || !(options.hold_after_seconds >= 0)) {
        fail("tempo estimate: invalid options (frame rate {}, window {} s, BPM {} to {})",
             frame_rate, options.window_seconds, options.min_bpm, options.max_bpm);
    }
    return std::max(4, static_cast<int>(std::lround(options.window_seconds * frame_rate)));
}

}  // namespace

TempoEstimator::TempoEstimator(double frame_rate, const TempoOptions& options)
    : frame_rate_(frame_rate),
      options_(options),
      window_(window_frames(frame_rate, options)),
      history_(static_cast<std::size_t>(window_), 0.0F),
      hann_(periodic_hann(window_)),
      forward_(power_of_two_at_least(2 * window_)),
      inverse_(power_of_two_at_least(2 * window_)) {
    min_lag_ = std::max(1, static_cast<int>(std::floor(frame_rate * 60.0 / options.max_bpm)));
    max_lag_ =
        std::min(window_ - 2, static_cast<int>(std::ceil(frame_rate * 60.0 / options.min_bpm)));
    if (max_lag_ <= min_lag_ + 1) {
        fail("tempo estimate: a {:.1f} s window holds no lag between {} and {} BPM",
             options.window_seconds, options.min_bpm, options.max_bpm);
    }
    mean_.assign(static_cast<std::size_t>(max_lag_ + 2), 0.0);
    log_prior_.assign(mean_.size(), 0.0);
    for (std::size_t lag = 1; lag < mean_.size(); ++lag) {
        const double bpm = frame_rate * 60.0 / static_cast<double>(lag);
        const double octaves = std::log2(bpm / options.prior_bpm) / options.prior_octaves;
        log_prior_[lag] = -0.5 * octaves * octaves;
    }
    const auto lags = static_cast<std::size_t>(max_lag_ - min_lag_ + 1);
    path_.assign(lags, 0.0);
    next_path_.assign(lags, 0.0);
    transition_cost_.resize(lags * lags);
    for (std::size_t to = 0; to < lags; ++to) {
        for (std::size_t from = 0; from < lags; ++from) {
            const double octaves = std::log2(static_cast<double>(min_lag_ + to) /
                                             static_cast<double>(min_lag_ + from)) /
                                   options.transition_octaves;
            transition_cost_[to * lags + from] =
                std::min(options.jump_cost, 0.5 * octaves * octaves);
        }
    }
    scratch_.reserve(lags);
}

double TempoEstimator::bpm() const {
    return period_ > 0 ? frame_rate_ * 60.0 / period_ : 0.0;
}

bool TempoEstimator::push(float onset) {
    history_[static_cast<std::size_t>(pushed_ % window_)] = onset;
    ++pushed_;
    if (pushed_ % options_.update_every != 0 || pushed_ < 2 * max_lag_) {
        return false;
    }
    estimate();
    return true;
}

void TempoEstimator::estimate() {
    // The Hann-windowed autocorrelation of the last window_ values (one column of librosa's
    // tempogram), scaled to 1 at lag 0 and averaged into mean_.
    auto in = forward_.input();
    std::fill(in.begin(), in.end(), 0.0);
    for (int i = 0; i < window_; ++i) {
        const auto from = static_cast<std::size_t>((pushed_ + i) % window_);  // oldest first
        in[static_cast<std::size_t>(i)] =
            static_cast<double>(history_[from]) * hann_[static_cast<std::size_t>(i)];
    }
    forward_.execute();
    const auto spectrum = forward_.output();
    auto power = inverse_.input();
    for (std::size_t k = 0; k < spectrum.size(); ++k) {
        power[k] = std::norm(spectrum[k]);
    }
    inverse_.execute();
    const auto lags = inverse_.output();
    const double zero = lags[0];
    const double keep = std::exp(-options_.update_every / (options_.memory_seconds * frame_rate_));
    for (std::size_t lag = 0; lag < mean_.size(); ++lag) {
        const double normalised = zero > std::numeric_limits<double>::min() ? lags[lag] / zero : 0;
        mean_[lag] = any_ ? keep * mean_[lag] + (1 - keep) * normalised : normalised;
    }
    any_ = true;

    const int best = held_lag(best_path_lag());
    if (mean_[static_cast<std::size_t>(best)] <= kFloor) {
        period_ = 0;  // silence: no estimate
        clarity_ = 0;
        held_ = 0;
        return;
    }
    // A parabola through the weighted autocorrelation at the best lag and its neighbours.
    const auto weighted = [&](int lag) {
        const auto l = static_cast<std::size_t>(lag);
        return mean_[l] * std::exp(log_prior_[l]);
    };
    const double left = weighted(best - 1);
    const double centre = weighted(best);
    const double right = weighted(best + 1);
    const double curvature = left - 2 * centre + right;
    const double offset =
        curvature < 0 ? std::clamp(0.5 * (left - right) / curvature, -0.5, 0.5) : 0.0;
    period_ = best + offset;

    scratch_.assign(mean_.begin() + min_lag_, mean_.begin() + max_lag_ + 1);
    const auto middle = scratch_.begin() + static_cast<std::ptrdiff_t>(scratch_.size() / 2);
    std::nth_element(scratch_.begin(), middle, scratch_.end());
    clarity_ = std::clamp(mean_[static_cast<std::size_t>(best)] - *middle, 0.0, 1.0);
}

int TempoEstimator::held_lag(int proposed) {
    int chosen = proposed;
    if (held_ > 0 && options_.hold_fraction > 0) {
        // The held tempo follows its own autocorrelation peak by a lag at a time (a drift).
        int held = held_;
        for (int lag = std::max(min_lag_, held_ - 1); lag <= std::min(max_lag_, held_ + 1); ++lag) {
            if (mean_[static_cast<std::size_t>(lag)] > mean_[static_cast<std::size_t>(held)]) {
                held = lag;
            }
        }
        const double strongest =
            *std::max_element(mean_.begin() + min_lag_, mean_.begin() + max_lag_ + 1);
        const bool established =
            static_cast<double>(pushed_ - held_since_) >= options_.hold_after_seconds * frame_rate_;
        const double octaves = std::abs(std::log2(static_cast<double>(proposed) / held));
        const bool by_an_octave = std::abs(octaves - 1) < 0.07;
        if (octaves > kDrift && established && !by_an_octave &&
            mean_[static_cast<std::size_t>(held)] >= options_.hold_fraction * strongest) {
            chosen = held;
        }
    }
    if (held_ == 0 || std::abs(std::log2(static_cast<double>(chosen) / held_)) > kDrift) {
        held_since_ = pushed_;
    }
    held_ = chosen;
    return chosen;
}

int TempoEstimator::best_path_lag() {
    // One Viterbi step: each lag's path score is its log score plus the best previous path
    // reaching it, at a transition cost that grows with the distance in octaves up to jump_cost.
    const std::size_t lags = path_.size();
    double top = -std::numeric_limits<double>::infinity();
    for (int lag = min_lag_; lag <= max_lag_; ++lag) {
        const double* cost =
            transition_cost_.data() + static_cast<std::size_t>(lag - min_lag_) * lags;
        double from = -std::numeric_limits<double>::infinity();
        for (std::size_t previous = 0; previous < lags; ++previous) {
            from = std::max(from, path_[previous] - cost[previous]);
        }
        const auto l = static_cast<std::size_t>(lag);
        const double score = from + std::log(std::max(mean_[l], kFloor)) + log_prior_[l];
        next_path_[static_cast<std::size_t>(lag - min_lag_)] = score;
        top = std::max(top, score);
    }
    int best = min_lag_;
    for (std::size_t i = 0; i < path_.size(); ++i) {
        path_[i] = next_path_[i] - top;  // the best path at 0 keeps the scores bounded
        if (path_[i] == 0) {
            best = min_lag_ + static_cast<int>(i);
        }
    }
    return best;
}

}  // namespace bgv::features
