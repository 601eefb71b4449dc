// choreo/beat_stepper: the beat choreography (choreo/beat.h) as a stepper: each kick pushes the
// noise vector out and lets it fall back, the harmonic energy drifts it, the harmonic chroma
// blends the classes; every constant in seconds. File renders and live sessions run it alike.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "choreo/beat.h"
#include "choreo/stepper.h"

namespace bgv::choreo {

class BeatStepper : public Stepper {
  public:
    // Frame i lies at i / frames_per_second seconds. `classes` in rank order; chromasort gives
    // the pitch class of each rank.
    BeatStepper(std::span<const int> classes, const BeatParams& params, std::uint64_t seed,
                const std::array<int, kPitchClasses>& chromasort, double frames_per_second,
                std::span<const ClassCue> cues = {});

    void step(const FrameFeatures& features, VectorSink& sink) override;
    void finish(VectorSink&) override {}
    int latency() const override { return 0; }

    // Live control, between steps: the parameters (a new truncation scales the start, the drift
    // and the kicks alike) and the classes (1 to 12, in rank order), shown at once.
    const BeatParams& params() const { return params_; }
    void set_params(const BeatParams& params);
    void set_classes(std::span<const int> classes);

    // The curves after the last step (beat_curves collects them for plots and tests).
    double pulse() const { return pulse_; }
    double drive() const { return drive_; }
    double distance() const { return distance_; }
    int rotation() const { return static_cast<int>(beats_ / beats_per_rotation_); }

  private:
    std::vector<int> classes_;
    BeatParams params_;
    std::array<int, kPitchClasses> chromasort_;
    double frames_per_second_;
    std::vector<ClassCue> cues_;
    std::array<double, kNoiseSize> start_{}, velocity_{}, kick_{};
    std::vector<double> weights_, target_, noise_, class_vector_;
    double pulse_ = 0, drive_ = 0, distance_ = 0;
    std::int64_t beats_ = 0, beats_per_rotation_ = 1;
    std::int64_t frame_ = 0;
    bool restart_smoothing_ = false;
};

}  // namespace bgv::choreo
