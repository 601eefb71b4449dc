#include "features/beat_predictor.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/assert.h"
#include "core/error.h"

namespace bgv::features {
namespace {

// x - y wrapped into [-period/2, period/2).
double wrapped_difference(double x, double y, double period) {
    const double d = std::fmod(x - y, period);
    const double positive = d < 0 ? d + period : d;
    return positive >= period / 2 ? positive - period : positive;
}

}  // namespace

BeatPredictor::BeatPredictor(int sample_rate, int hop, const BeatPredictorOptions& options)
    : frame_rate_(hop > 0 ? static_cast<double>(sample_rate) / hop : 0.0),
      options_(options),
      tempo_(frame_rate_, options.tempo) {
    if (sample_rate < 1 || hop < 1 || !(options.tightness >= 0) ||
        !(options.normalise_seconds > 0) || !(options.inertia >= 0) ||
        !(options.inertia_width > 0) || options.lock_beats < 1) {
        fail("beat predictor: invalid options (rate {}, hop {}, tightness {}, inertia {})",
             sample_rate, hop, options.tightness, options.inertia);
    }
    const double longest_period = frame_rate_ * 60.0 / options.tempo.min_bpm;
    score_.assign(static_cast<std::size_t>(std::ceil(2 * longest_period)) + 8, 0.0);
}

double BeatPredictor::now_seconds() const {
    return static_cast<double>(frame_) / frame_rate_;
}

double BeatPredictor::tempo_bpm() const {
    return period_ > 0 ? frame_rate_ * 60.0 / period_ : 0.0;
}

double BeatPredictor::score_at(std::int64_t frame) const {
    const auto size = static_cast<std::int64_t>(score_.size());
    if (frame < 0 || frame > frame_ || frame_ - frame >= size) {
        return 0.0;
    }
    return score_[static_cast<std::size_t>(frame % size)];
}

double BeatPredictor::onset_deviation(float onset) {
    // Exponentially weighted moments (librosa divides by the whole song's standard deviation).
    const double rate = 1.0 / (options_.normalise_seconds * frame_rate_);
    const double x = onset;
    onset_mean_ += rate * (x - onset_mean_);
    onset_square_ += rate * (x * x - onset_square_);
    return std::sqrt(std::max(onset_square_ - onset_mean_ * onset_mean_, 0.0));
}

bool BeatPredictor::push(std::int64_t envelope_index, float onset) {
    BGV_ASSERT(frame_ < 0 || envelope_index == frame_ + 1, "envelope frame {} after {}",
               envelope_index, frame_);
    if (frame_ < 0) {
        for (std::int64_t i = 0; i < envelope_index; ++i) {
            tempo_.push(0.0F);  // frames before the first one pushed are silent
        }
    }
    frame_ = envelope_index;
    if (onset > 0) {
        last_onset_frame_ = frame_;
    }
    if (tempo_.push(onset)) {
        const double previous = period_;
        period_ = tempo_.period_frames();
        if (previous > 0 && std::abs(period_ - previous) > options_.lock_tolerance * previous) {
            steady_beats_ = 0;  // a tempo jump: lock again
        }
    }
    const double deviation = onset_deviation(onset);
    const double local = deviation > 1e-9 ? onset / deviation : 0.0;
    // The best predecessor between half a beat and two beats back, as librosa's __beat_track_dp.
    double best = 0;
    if (period_ > 0) {
        best = -std::numeric_limits<double>::infinity();
        const auto shortest = std::max<std::int64_t>(1, std::lround(period_ / 2));
        const auto longest = std::lround(2 * period_);
        for (std::int64_t tau = shortest; tau <= longest; ++tau) {
            const double off = std::log(static_cast<double>(tau) / period_);
            best = std::max(best, score_at(frame_ - tau) - options_.tightness * off * off);
        }
    }
    score_[static_cast<std::size_t>(frame_ % static_cast<std::int64_t>(score_.size()))] =
        local + best;

    const bool silent = last_onset_frame_ < 0 || static_cast<double>(frame_ - last_onset_frame_) >
                                                     options_.silence_seconds * frame_rate_;
    if (silent || !(period_ > 0)) {
        has_grid_ = false;
        observed_.clear();
        locked_ = false;
        confidence_ = 0;
        steady_beats_ = 0;
        return false;
    }
    update_grid();
    return declare_due_beat();
}

void BeatPredictor::update_grid() {
    // The last beat: the frame of the last period with the highest cumulative score, with a
    // bonus near the current grid.
    const int span = std::max(1, static_cast<int>(std::lround(period_)));
    std::int64_t best_at = frame_;
    double best = -std::numeric_limits<double>::infinity();
    for (int back = 0; back < span; ++back) {
        const std::int64_t frame = frame_ - back;
        double score = score_at(frame);
        if (has_grid_) {
            const double z = wrapped_difference(static_cast<double>(frame), anchor_, period_) /
                             (options_.inertia_width * period_);
            score += options_.inertia * std::exp(-0.5 * z * z);
        }
        if (score > best) {
            best = score;
            best_at = frame;
        }
    }
    // The margin over the best phase at least a quarter beat away.
    const double chosen = score_at(best_at);
    double other = -std::numeric_limits<double>::infinity();
    for (int back = 0; back < span; ++back) {
        const std::int64_t frame = frame_ - back;
        const double distance = std::abs(
            wrapped_difference(static_cast<double>(frame), static_cast<double>(best_at), period_));
        if (distance >= period_ / 4) {
            other = std::max(other, score_at(frame));
        }
    }
    const double margin = std::isfinite(other) ? std::max(0.0, chosen - other) : 0.0;
    confidence_ = 1.0 - std::exp(-margin / 2);

    // A parabola through its neighbours places it between frames (not the newest frame: it has
    // no neighbour after it yet).
    double offset = 0;
    if (best_at < frame_) {
        const double left = score_at(best_at - 1);
        const double right = score_at(best_at + 1);
        const double curvature = left - 2 * chosen + right;
        if (curvature < 0) {
            offset = std::clamp(0.5 * (left - right) / curvature, -0.5, 0.5);
        }
    }
    anchor_ = static_cast<double>(best_at) + offset;
    has_grid_ = true;
    fit_grid();
}

void BeatPredictor::fit_grid() {
    // The observed beats: the anchor of each beat as it refines, a new entry when the anchor moved
    // on to the next beat; a run whose interval leaves the period's tolerance starts again.
    if (observed_.empty() || anchor_ > observed_.back() + 0.5 * period_) {
        if (!observed_.empty() &&
            std::abs(anchor_ - observed_.back() - period_) > options_.lock_tolerance * period_) {
            observed_.clear();
        }
        if (static_cast<int>(observed_.size()) == options_.fit_beats) {
            observed_.erase(observed_.begin());
        }
        observed_.push_back(anchor_);
    } else {
        observed_.back() = anchor_;
    }
    grid_beat_ = anchor_;
    grid_period_ = period_;
    const auto n = static_cast<int>(observed_.size());
    if (n < 3) {
        return;
    }
    // Least squares through the run: beat i at a + p·i.
    double mean_i = (n - 1) / 2.0;
    double mean_b = 0;
    for (const double b : observed_) {
        mean_b += b;
    }
    mean_b /= n;
    double sxy = 0, sxx = 0;
    for (int i = 0; i < n; ++i) {
        sxy += (i - mean_i) * (observed_[static_cast<std::size_t>(i)] - mean_b);
        sxx += (i - mean_i) * (i - mean_i);
    }
    const double slope = sxy / sxx;
    if (std::abs(slope - period_) <= options_.lock_tolerance * period_) {
        grid_period_ = slope;
        grid_beat_ = mean_b + slope * (n - 1 - mean_i);
    }
}

bool BeatPredictor::declare_due_beat() {
    const auto now = static_cast<double>(frame_);
    // The grid's first beat more than half a beat after the last one declared.
    const double after = last_declared_frame_ + 0.5 * grid_period_;
    double beat = grid_beat_ + std::ceil((after - grid_beat_) / grid_period_) * grid_period_;
    if (beat <= after) {
        beat += grid_period_;
    }
    // Beats the grid moved well into the past were missed: not declared late.
    const double stale = now - options_.stale_beats * grid_period_;
    if (beat < stale) {
        beat += std::ceil((stale - beat) / grid_period_) * grid_period_;
    }
    if (beat >= now + options_.declare_ahead_frames) {
        return false;  // not due yet
    }
    // Due within the next frames, or passed by a small correction: declared now, never with a
    // time already past.
    const double declared = std::max(beat, now);
    const double interval = declared - last_declared_frame_;
    const bool steady = std::abs(interval - grid_period_) <= options_.lock_tolerance * grid_period_;
    steady_beats_ = steady ? steady_beats_ + 1 : 0;
    locked_ = steady_beats_ >= options_.lock_beats;
    last_declared_frame_ = declared;
    declared_.push_back(declared / frame_rate_);
    return true;
}

std::vector<double> BeatPredictor::next_beats(double after_seconds, int count) const {
    std::vector<double> beats;
    if (!has_grid_) {
        return beats;
    }
    const double after = after_seconds * frame_rate_;
    double beat = grid_beat_ + std::ceil((after - grid_beat_) / grid_period_) * grid_period_;
    if (beat <= after) {
        beat += grid_period_;
    }
    for (int i = 0; i < count; ++i) {
        beats.push_back((beat + i * grid_period_) / frame_rate_);
    }
    return beats;
}

}  // namespace bgv::features
