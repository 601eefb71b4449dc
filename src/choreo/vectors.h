// choreo/vectors: the seed's choreography: per video frame a noise vector pushed by loudness and
// its rise, and a class vector that follows the chroma, as in docs/original-tool.md "Vectors".
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "choreo/classes.h"

namespace bgv::choreo {

inline constexpr int kNoiseSize = 128;

struct Params {
    int pitch_sensitivity = 220;
    double tempo_sensitivity = 0.25;
    double jitter = 0.5;
    int frame_length = 512;
    double truncation = 1.0;
    int smooth_factor = 20;
    // --fps: the video's rate when it is not 22050 / frame_length. The frame-based constants
    // below then scale so that the motion keeps its speed in seconds; 0 keeps the original's.
    double frames_per_second = 0;
};

// The audio features the choreography reads, F frames each (features/ computes them).
struct FeatureView {
    std::int64_t frames = 0;
    std::span<const float> chroma;     // 12 x F, row-major, each frame's maximum 1 (or all 0)
    std::span<const float> spec_mean;  // F, in [0, 1]
    std::span<const float> grad_mean;  // F, >= 0
    std::array<int, kPitchClasses> chromasort{};  // pitch classes, loudest first
};

// `count` frames of noise (count x 128) and class vectors (count x 1000), row-major float64.
struct Vectors {
    std::int64_t count = 0;
    std::vector<double> noise;
    std::vector<double> classes;

    std::span<const double> noise_row(std::int64_t i) const {
        return {noise.data() + i * kNoiseSize, kNoiseSize};
    }
    std::span<const double> class_row(std::int64_t i) const {
        return {classes.data() + i * kImageNetClasses, kImageNetClasses};
    }
    void truncate(std::int64_t new_count);
};

// Frames [first_frame, end_frame) during which one class leads: a line of timed lyrics is sung.
struct ClassCue {
    std::int64_t first_frame = 0;
    std::int64_t end_frame = 0;
    int class_id = 0;
};

// Derived values of docs/original-tool.md, with L = frame_length, or 22050 / frames_per_second when
// that is given (the samples one frame lasts).
double frame_samples(const Params& params);
double pitch_rate(const Params& params);  // (300 - pitch_sensitivity) * 512 / L
double tempo_step(const Params& params);  // tempo_sensitivity * L / 512
int smooth_window(const Params& params);  // int(smooth_factor * 512 / L)
int jitter_period(const Params& params);  // round(200 * 512 / L): 200 frames at 43.07 fps

// The chroma of the first frame where any pitch class sounds (all zero when none does): the
// seed's first class vector, the one value its stepper needs from the whole song up front.
std::array<float, kPitchClasses> first_sounding_chroma(const FeatureView& features);

// F + 1 vectors for F feature frames (SeedStepper run over the song, choreo/seed_stepper.h): the
// first noise vector is truncation * truncnorm(-2, 2) from Random(seed, kNoiseStream); the jitter
// is redrawn every 200 frames from Random(seed, kJitterStream) (uniform < 0.5 gives 1, else 1 -
// jitter; every jitter_period frames with --fps). `classes` are already ordered (see
// sort_by_power). Class vectors are smoothed (smooth_class_vectors) before they are returned.
//
// Fixed defects of the original: silent audio (no chroma > 0) gives a valid sequence (class
// vector all zeros before the "+0.01 on the first class" rule, rather than 0/0); equal class
// weights among > 6 classes give zeros then that rule, rather than 0/0.
//
// `cues` (timed lyrics; none in the seed's algorithm) are applied before smoothing: see apply_cues.
Vectors make_vectors(const FeatureView& features, std::span<const int> classes,
                     const Params& params, std::uint64_t seed, std::span<const ClassCue> cues = {});

// The original's per-frame normalisation of a class vector: with more than 6 classes the nonzero
// entries are stretched to [0, 1] (zeros take the minimum), else divided by the maximum; a vector
// whose nonzero entries are all equal gets +0.01 on classes[0].
void normalise_class_vector(std::span<double> cv, std::span<const int> classes);

// In each cue's frames the cue's class gets weight 1 and every other class half its weight, so
// the sung line's class leads while pitch still moves the others. Rows are count x 1000.
void apply_cues(std::vector<double>& rows, std::int64_t count, std::span<const ClassCue> cues);
// The same for the class vector of one frame.
void apply_cues_to_row(std::span<double> row, std::int64_t frame, std::span<const ClassCue> cues);

// Windows of `window` frames cover all `count` rows (the last one may be shorter); row j of window
// k is mean_k * (1 - j/(window-1)) + mean_{k+1} * j/(window-1), where the last window blends
// towards its own mean. A window < 2 leaves the rows as they are.
void smooth_class_vectors(std::vector<double>& rows, std::int64_t count, int width, int window);

}  // namespace bgv::choreo
