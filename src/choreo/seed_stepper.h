// choreo/seed_stepper: the seed's choreography (docs/original-tool.md "Vectors") as a stepper:
// loudness and its rise push the noise vector, the chroma pulls the class weights, and the class
// vectors are smoothed over windows of frames (which makes the stepper look ahead; a live session
// smooths causally instead).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "choreo/stepper.h"
#include "core/random.h"

namespace bgv::choreo {

enum class ClassSmoothing {
    window,  // the original's: blended towards the next window's mean (looks ahead two windows)
    causal   // an exponential average over about a window (live sessions)
};

class SeedStepper : public Stepper {
  public:
    // `classes` are already ordered (sort_by_power); `first_chroma` is first_sounding_chroma of
    // the song (zeros when streaming). The first step gives out two frames' vectors: the start
    // (the noise drawn from the seed, the class weights of first_chroma) and the first step's; so
    // F steps give F + 1 frames, as the original made them.
    SeedStepper(std::span<const int> classes, const Params& params, std::uint64_t seed,
                const std::array<int, kPitchClasses>& chromasort,
                const std::array<float, kPitchClasses>& first_chroma,
                std::span<const ClassCue> cues = {},
                ClassSmoothing smoothing = ClassSmoothing::window);

    void step(const FrameFeatures& features, VectorSink& sink) override;
    void finish(VectorSink& sink) override;
    int latency() const override;

    // Live control, between steps: the parameters (the frame rate's scaling included) and the
    // classes (1 to 12, used in the order given: the first takes the loudest pitch class), shown
    // at once: the causal smoothing starts again from them.
    const Params& params() const { return params_; }
    void set_params(const Params& params);
    void set_classes(std::span<const int> classes);

  private:
    // Forwards to the sink of the current call, so the cue and smoothing stages can be built once.
    class Forward : public VectorSink {
      public:
        VectorSink* target = nullptr;
        void put(std::span<const double> noise, std::span<const double> classes) override {
            target->put(noise, classes);
        }
    };
    VectorSink& smoothing_stage();

    std::vector<int> classes_;
    Params params_;
    std::array<int, kPitchClasses> chromasort_;
    double pitch_, tempo_;
    int jitter_frames_;
    Random jitter_rng_;
    std::array<double, kNoiseSize> noise_{}, direction_{}, jitter_{}, last_{};
    std::vector<double> class_vector_;
    std::int64_t frame_ = 0;  // steps taken
    ClassSmoothing smoothing_;
    Forward forward_;
    ClassSmoother smoother_;
    CausalClassSmoother causal_;
    CueSink cues_;
};

}  // namespace bgv::choreo
