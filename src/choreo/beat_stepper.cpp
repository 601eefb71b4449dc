#include "choreo/beat_stepper.h"

#include <algorithm>
#include <cmath>

#include "choreo/streams.h"
#include "core/random.h"

namespace bgv::choreo {

namespace {
// Speed of the drift at motion 1 and full harmonic energy, in truncation units per second: the
// ±2·truncation range (4 units) is crossed in 4 s, slow against the kicks.
constexpr double kDriftPerSecond = 1.0;
constexpr int kBeatsPerBar = 4;
constexpr double kSameInstant = 1e-6;  // seconds

// Reflects x into [-bound, bound] as a ball bouncing between two walls would be.
double fold(double x, double bound) {
    const double period = 4 * bound;
    double y = std::fmod(x + bound, period);
    if (y < 0)
        y += period;
    return y <= 2 * bound ? y - bound : 3 * bound - y;
}
}  // namespace

BeatStepper::BeatStepper(std::span<const int> classes, const BeatParams& params, std::uint64_t seed,
                         const std::array<int, kPitchClasses>& chromasort, double frames_per_second,
                         std::span<const ClassCue> cues)
    : classes_(classes.begin(), classes.end()),
      params_(params),
      chromasort_(chromasort),
      frames_per_second_(frames_per_second),
      cues_(cues.begin(), cues.end()),
      weights_(kImageNetClasses, 0.0),
      target_(kImageNetClasses, 0.0),
      noise_(kNoiseSize, 0.0),
      class_vector_(kImageNetClasses, 0.0),
      beats_per_rotation_(static_cast<std::int64_t>(kBeatsPerBar) * params.shuffle_bars) {
    check_classes(classes_);
    assert_beat_params(params_);
    const double truncation = params_.truncation;
    Random noise_rng(seed, kNoiseStream);
    Random unit_rng(seed, kJitterStream);
    for (int u = 0; u < kNoiseSize; ++u) {
        start_[u] = truncation * noise_rng.truncated_normal(-2.0, 2.0);
        const double direction = start_[u] < 0 ? 1.0 : -1.0;
        velocity_[u] = direction * (0.5 + 0.5 * unit_rng.uniform()) * truncation;
    }
    for (int u = 0; u < kNoiseSize; ++u) {
        const double size = 0.5 + 0.5 * unit_rng.uniform();
        kick_[u] = (unit_rng.uniform() < 0.5 ? -size : size) * truncation;
    }
}

void BeatStepper::set_params(const BeatParams& params) {
    assert_beat_params(params);
    const double scale = params.truncation / params_.truncation;
    for (int u = 0; u < kNoiseSize; ++u) {
        start_[u] *= scale;
        velocity_[u] *= scale;
        kick_[u] *= scale;
    }
    params_ = params;
    beats_per_rotation_ = static_cast<std::int64_t>(kBeatsPerBar) * params.shuffle_bars;
}

void BeatStepper::set_classes(std::span<const int> classes) {
    check_classes(classes);
    classes_.assign(classes.begin(), classes.end());
    // Shown at once: the class smoothing starts again from the new classes' weights.
    restart_smoothing_ = true;
}

void BeatStepper::step(const FrameFeatures& features, VectorSink& sink) {
    const double dt = 1.0 / frames_per_second_;
    // An event at a frame's own time (a beat found at that frame) belongs to it, whatever the
    // rounding of i / fps against frame · hop / rate.
    const double now = static_cast<double>(frame_) / frames_per_second_ + kSameInstant;

    // The pulse is the strongest decaying kick, not their sum: an onset found twice (at a fine
    // hop, or a flam) kicks once, so the pulse is the same at every frame rate. Beats kick with
    // their strength, onsets between beats with `offbeat` of theirs.
    pulse_ *= frame_ > 0 ? std::exp(-dt / params_.pulse_decay) : 0.0;
    for (const Kick& kick : features.kicks) {
        const double strength = kick.beat ? kick.strength : params_.offbeat * kick.strength;
        pulse_ = std::max(pulse_, strength * std::exp(-(now - kick.seconds) / params_.pulse_decay));
        beats_ += kick.beat ? 1 : 0;
    }

    const double drive = features.harmonic;
    if (frame_ > 0)
        distance_ += params_.motion * kDriftPerSecond * (drive_ + drive) / 2 * dt;
    drive_ = drive;

    const double truncation = params_.truncation;
    const double pushed = params_.pulse * pulse_;
    for (int u = 0; u < kNoiseSize; ++u)
        noise_[u] = fold(start_[u] + velocity_[u] * distance_ + pushed * kick_[u], 2 * truncation);

    // Class weights follow the harmonic chroma with an exponential smoothing whose time constant
    // is class_smooth seconds, whatever the frame rate.
    const int count = static_cast<int>(classes_.size());
    const int rotation = this->rotation();
    const double keep = params_.class_smooth > 0 ? std::exp(-dt / params_.class_smooth) : 0.0;
    std::fill(target_.begin(), target_.end(), 0.0);
    for (int r = 0; r < count; ++r) {
        const int id = classes_[(r + rotation) % count];
        target_[id] = static_cast<double>(features.chroma[chromasort_[r]]);
    }
    for (int c = 0; c < kImageNetClasses; ++c)
        weights_[c] = frame_ == 0 || restart_smoothing_
                          ? target_[c]
                          : keep * weights_[c] + (1 - keep) * target_[c];
    restart_smoothing_ = false;
    std::copy(weights_.begin(), weights_.end(), class_vector_.begin());
    normalise_class_vector(class_vector_, classes_);
    apply_cues_to_row(class_vector_, frame_, cues_);
    ++frame_;
    sink.put(noise_, class_vector_);
}

}  // namespace bgv::choreo
