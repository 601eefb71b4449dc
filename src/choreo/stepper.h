// choreo/stepper: a choreography as a state and a step: the audio features of video frame i in,
// the noise and class vectors of frame i out. File renders run a stepper over the song's
// features; a live session runs the same stepper on features as they are heard.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "choreo/classes.h"
#include "choreo/vectors.h"

namespace bgv::choreo {

// An onset or a beat, at `seconds` from the start of the song (or session).
struct Kick {
    double seconds = 0;
    double strength = 0;  // 0–1: percussive onset strength relative to the song's strongest
    bool beat = false;    // a tracked beat (else an onset between beats)
};

// What one video frame's audio gives a choreography. The seed choreography reads chroma, power
// and power_rise; the beat choreography chroma (of the harmonic part), harmonic and kicks.
struct FrameFeatures {
    std::array<float, kPitchClasses> chroma{};  // each frame's maximum 1 (or all 0)
    double power = 0;                           // seed: spec_mean, in [0, 1]
    double power_rise = 0;                      // seed: grad_mean, >= 0
    double harmonic = 0;  // beat: harmonic energy in [0, 1] (rms_h over its maximum)
    // beat: the kicks since the previous frame, up to this frame's time, in time order.
    std::span<const Kick> kicks;
};

// Where a stepper's vectors go, one frame at a time, in frame order.
class VectorSink {
  public:
    virtual ~VectorSink() = default;
    // noise: 128 values, classes: 1000 values, of the next frame.
    virtual void put(std::span<const double> noise, std::span<const double> classes) = 0;
};

class Stepper {
  public:
    virtual ~Stepper() = default;
    // Takes the features of the next frame (0, 1, 2, ...); the vectors that are ready go to
    // `sink` (a stepper with look-ahead, such as the seed's class smoothing, holds some back).
    virtual void step(const FrameFeatures& features, VectorSink& sink) = 0;
    // No more frames: the vectors held back go to `sink`.
    virtual void finish(VectorSink& sink) = 0;
    // Frames of look-ahead: vectors of frame i are given out by the step of frame i + latency()
    // at the latest.
    virtual int latency() const = 0;
};

// A sink that keeps every frame in memory: the offline functions (make_vectors, ...) and tests.
class VectorsCollector : public VectorSink {
  public:
    void put(std::span<const double> noise, std::span<const double> classes) override;
    Vectors take() { return std::move(vectors_); }

  private:
    Vectors vectors_;
};

// Applies the lyrics cues (apply_cues) to the class vectors passing through, by frame index.
class CueSink : public VectorSink {
  public:
    CueSink(std::span<const ClassCue> cues, VectorSink& next)
        : cues_(cues.begin(), cues.end()), next_(next) {}
    void put(std::span<const double> noise, std::span<const double> classes) override;

  private:
    std::vector<ClassCue> cues_;
    VectorSink& next_;
    std::int64_t frame_ = 0;
    std::vector<double> row_;
};

// The seed's class-vector smoothing (see smooth_class_vectors) as a stream: rows are held until
// the window after theirs is complete, so at most two windows are in memory. The noise rows pass
// unchanged, in step with their class rows. Class rows may have any width (1000 for vectors).
class ClassSmoother : public VectorSink {
  public:
    ClassSmoother(int window, VectorSink& next) : window_(window), next_(next) {}
    void put(std::span<const double> noise, std::span<const double> classes) override;
    // The stream has ended: the last windows go out.
    void finish();
    int latency() const { return window_ < 2 ? 0 : 2 * window_ - 1; }

  private:
    struct Window {
        std::vector<double> noise, classes;  // rows x 128, rows x 1000
        std::vector<double> mean;            // of the class rows
        std::int64_t rows = 0;
    };
    // Sends `window`'s rows, blended from its own mean towards `towards`.
    void send(const Window& window, const std::vector<double>& towards);

    int window_;
    VectorSink& next_;
    std::vector<Window> held_;  // complete windows not yet sent (at most one) and the open one
};

// The live form of the seed's class smoothing: an exponential average over about `window` frames
// (each row is given out at once), since a live session cannot wait two windows for the mean of
// the next. The noise rows pass unchanged.
class CausalClassSmoother : public VectorSink {
  public:
    CausalClassSmoother(int window, VectorSink& next) : next_(next) { set_window(window); }
    void put(std::span<const double> noise, std::span<const double> classes) override;
    void set_window(int window);
    // Forgets the average: the next row is given out as it is (new classes show at once).
    void reset() { average_.clear(); }

  private:
    VectorSink& next_;
    double keep_ = 0;  // the weight of the average so far
    std::vector<double> average_;
};

}  // namespace bgv::choreo
