// live/live_choreography: the render options' choreography as a live session runs it: the same
// steppers as file renders (choreo/seed_stepper, choreo/beat_stepper), stepped once per video
// frame, their parameters and classes changed between frames by live control.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "choreo/beat_stepper.h"
#include "choreo/seed_stepper.h"
#include "render/options.h"

namespace bgv::live {

class LiveChoreography {
  public:
    // `options` holds the seed and the classes already (live_session draws them when absent).
    LiveChoreography(const render::RenderOptions& options, double frames_per_second);

    // The vectors of the next frame, as float32 for the generator (z: 128, y: 1000).
    void step(const choreo::FrameFeatures& features, std::vector<float>& z, std::vector<float>& y);
    // Takes the changed options: another choreography starts afresh, else the stepper keeps its
    // state with the new parameters and classes.
    void apply(const render::RenderOptions& changed);

  private:
    // Keeps the last vectors a step gave (the seed's first step gives two).
    class Last : public choreo::VectorSink {
      public:
        void put(std::span<const double> noise, std::span<const double> classes) override {
            noise_.assign(noise.begin(), noise.end());
            classes_.assign(classes.begin(), classes.end());
        }
        std::vector<double> noise_, classes_;
    };
    void build();
    choreo::Params seed_params() const;

    render::RenderOptions options_;
    double frames_per_second_;
    std::unique_ptr<choreo::SeedStepper> seed_;
    std::unique_ptr<choreo::BeatStepper> beat_;
    Last last_;
};

}  // namespace bgv::live
