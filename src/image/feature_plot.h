// image/feature_plot: the picture `bigganviz analyze` draws so a user can choose sensitivities and
// classes: the chromagram (12 labelled pitch rows) above the power and gradient curves and, when
// given, the percussive and harmonic curves with the beats as ticks, over time.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "features/features.h"
#include "features/rhythm.h"
#include "image/png.h"

namespace bgv::image {

struct FeaturePlotData {
    std::int64_t frames = 0;
    double frames_per_second = 0;
    std::span<const float> chroma;     // 12 × frames, row-major, values in [0, 1]
    std::span<const float> spec_mean;  // frames, in [0, 1] (NaN for silence is drawn as 0)
    std::span<const float> grad_mean;  // frames, in [0, 1]
    std::array<int, 12> chromasort{};  // pitch classes, loudest first
    double tuning = 0;
    // Rhythm, drawn when `percussive` is not empty: two more panels, each curve scaled to its
    // maximum, and a tick above them at every beat.
    std::span<const std::int64_t> beats;  // frame indices
    std::span<const float> percussive;    // frames, >= 0 (onset strength of the percussive part)
    std::span<const float> harmonic;      // frames, >= 0 (RMS of the harmonic part)
};

// Layout, exposed for tests: the plot area starts at kPlotLeft; the chroma row of pitch class
// k (0 = C) spans y in [kChromaTop + (11 - k) * kChromaRowHeight, ... + kChromaRowHeight).
inline constexpr int kPlotLeft = 48;
inline constexpr int kChromaTop = 34;
inline constexpr int kChromaRowHeight = 18;
inline constexpr int kCurveHeight = 100;
inline constexpr int kBeatTickHeight = 8;  // beat ticks: the top rows of the percussive panel

// Plot width in pixels for `frames` frames (one column per frame, within 600..1600 columns).
int feature_plot_width(std::int64_t frames);
// Top of the power (0), gradient (1), percussive (2) and harmonic (3) panels.
int curve_panel_top(int panel);

// The whole picture of a song as PNG bytes: its features and its rhythm (percussive and harmonic
// curves), with a tick at each of `beat_frames` (indices of the features' frames, which lie
// `frames_per_second` apart). What `bigganviz analyze` and the studio show.
std::string feature_picture_png(const features::Features& features, const features::Rhythm& rhythm,
                                std::span<const std::int64_t> beat_frames,
                                double frames_per_second);

// Throws bgv::Error when the spans do not match `frames`.
RgbImage draw_feature_plot(const FeaturePlotData& data);

// The colour map of the chromagram (viridis-like): 0 is dark blue-violet, 1 bright yellow.
Rgb chroma_colour(float value);

}  // namespace bgv::image
