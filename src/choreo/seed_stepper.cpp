#include "choreo/seed_stepper.h"

#include "choreo/streams.h"

namespace bgv::choreo {

SeedStepper::SeedStepper(std::span<const int> classes, const Params& params, std::uint64_t seed,
                         const std::array<int, kPitchClasses>& chromasort,
                         const std::array<float, kPitchClasses>& first_chroma,
                         std::span<const ClassCue> cues, ClassSmoothing smoothing)
    : classes_(classes.begin(), classes.end()),
      params_(params),
      chromasort_(chromasort),
      pitch_(pitch_rate(params)),
      tempo_(tempo_step(params)),
      jitter_frames_(jitter_period(params)),
      jitter_rng_(seed, kJitterStream),
      class_vector_(kImageNetClasses, 0.0),
      smoothing_(smoothing),
      smoother_(smooth_window(params), forward_),
      causal_(smooth_window(params), forward_),
      cues_(cues, smoothing_stage()) {
    check_classes(classes_);
    // The first class vector: the chroma where the song first sounds, unnormalised.
    const int count = static_cast<int>(classes_.size());
    for (int r = 0; r < count; ++r) {
        const int pitch = chromasort_[r];
        const int id = count < kPitchClasses ? classes_[r] : classes_[pitch];
        class_vector_[id] = first_chroma[pitch];
    }
    // The first noise vector and the direction each unit moves in.
    Random noise_rng(seed, kNoiseStream);
    for (int i = 0; i < kNoiseSize; ++i) {
        noise_[i] = params_.truncation * noise_rng.truncated_normal(-2.0, 2.0);
        direction_[i] = noise_[i] < 0 ? 1.0 : -1.0;
    }
}

void SeedStepper::step(const FrameFeatures& features, VectorSink& sink) {
    forward_.target = &sink;
    if (frame_ == 0)
        cues_.put(noise_, class_vector_);
    if (frame_ % jitter_frames_ == 0) {
        for (double& j : jitter_)
            j = jitter_rng_.uniform() < 0.5 ? 1.0 : 1.0 - params_.jitter;
    }
    const double truncation = params_.truncation;
    const double loudness = features.power_rise + features.power;
    for (int i = 0; i < kNoiseSize; ++i) {
        double update = tempo_ * loudness * direction_[i] * jitter_[i];
        update = (update + 3 * last_[i]) / 4;
        last_[i] = update;
        noise_[i] += update;
        if (noise_[i] >= 2 * truncation - tempo_)
            direction_[i] = -1;
        if (noise_[i] < -2 * truncation + tempo_)
            direction_[i] = 1;
    }
    for (std::size_t j = 0; j < classes_.size(); ++j) {
        const int id = classes_[j];
        class_vector_[id] =
            (class_vector_[id] + static_cast<double>(features.chroma[chromasort_[j]]) / pitch_) /
            (1 + 1 / pitch_);
    }
    normalise_class_vector(class_vector_, classes_);
    ++frame_;
    cues_.put(noise_, class_vector_);
}

void SeedStepper::finish(VectorSink& sink) {
    forward_.target = &sink;
    if (frame_ == 0)
        cues_.put(noise_, class_vector_);  // no frames: the start alone, as the original
    smoother_.finish();
}

int SeedStepper::latency() const {
    return smoothing_ == ClassSmoothing::window ? smoother_.latency() : 0;
}

VectorSink& SeedStepper::smoothing_stage() {
    if (smoothing_ == ClassSmoothing::window)
        return smoother_;
    return causal_;
}

void SeedStepper::set_params(const Params& params) {
    // The window smoothing's windows are fixed once started; the causal one follows.
    params_ = params;
    pitch_ = pitch_rate(params);
    tempo_ = tempo_step(params);
    jitter_frames_ = jitter_period(params);
    causal_.set_window(smooth_window(params));
}

void SeedStepper::set_classes(std::span<const int> classes) {
    check_classes(classes);
    // The new classes start from nothing and grow with the chroma; the old ones are let go.
    for (const int id : classes_)
        class_vector_[id] = 0;
    classes_.assign(classes.begin(), classes.end());
    causal_.reset();
}

}  // namespace bgv::choreo
