// choreo/seed_stepper: the seed's choreography (docs/original-tool.md "Vectors") as a stepper:
// loudness and its rise push the noise vector, the chroma pulls the class weights, and the class
// vectors are smoothed over windows of frames (which makes the stepper look ahead).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "choreo/stepper.h"
#include "core/random.h"

namespace bgv::choreo {

class SeedStepper : public Stepper {
  public:
    // `classes` are already ordered (sort_by_power); `first_chroma` is first_sounding_chroma of
    // the song (the first frame's chroma when streaming). The first step gives out two frames'
    // vectors: the start (the noise drawn from the seed, the class weights of first_chroma) and
    // the first step's; so F steps give F + 1 frames, as the original made them.
    SeedStepper(std::span<const int> classes, const Params& params, std::uint64_t seed,
                const std::array<int, kPitchClasses>& chromasort,
                const std::array<float, kPitchClasses>& first_chroma,
                std::span<const ClassCue> cues = {});

    void step(const FrameFeatures& features, VectorSink& sink) override;
    void finish(VectorSink& sink) override;
    int latency() const override { return smoother_.latency(); }

  private:
    // Forwards to the sink of the current call, so the cue and smoothing stages can be built once.
    class Forward : public VectorSink {
      public:
        VectorSink* target = nullptr;
        void put(std::span<const double> noise, std::span<const double> classes) override {
            target->put(noise, classes);
        }
    };

    std::vector<int> classes_;
    Params params_;
    std::array<int, kPitchClasses> chromasort_;
    double pitch_, tempo_;
    int jitter_frames_;
    Random jitter_rng_;
    std::array<double, kNoiseSize> noise_{}, direction_{}, jitter_{}, last_{};
    std::vector<double> class_vector_;
    std::int64_t frame_ = 0;  // steps taken
    Forward forward_;
    ClassSmoother smoother_;
    CueSink cues_;
};

}  // namespace bgv::choreo
