#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "image/feature_plot.h"
#include "image/png.h"

namespace bgv::image {
namespace {

constexpr Rgb kPowerLine{255, 166, 64};
constexpr Rgb kGradientLine{90, 200, 255};

struct Synthetic {
    std::int64_t frames = 1200;
    std::vector<float> chroma, spec, grad;
    FeaturePlotData data() const {
        return {.frames = frames,
                .frames_per_second = 22050.0 / 512,
                .chroma = chroma,
                .spec_mean = spec,
                .grad_mean = grad,
                .chromasort = {9, 4, 0, 1, 2, 3, 5, 6, 7, 8, 10, 11},
                .tuning = -0.02};
    }
};

// Pitch k sounds alone in frames [100k, 100k + 100); the power rises linearly; one gradient spike.
Synthetic make_synthetic() {
    Synthetic s;
    const auto frames = static_cast<std::size_t>(s.frames);
    s.chroma.assign(12 * frames, 0.0f);
    for (std::size_t k = 0; k < 12; ++k) {
        for (std::size_t f = 100 * k; f < 100 * k + 100; ++f)
            s.chroma[k * frames + f] = 1.0f;
    }
    for (std::size_t f = 0; f < frames; ++f)
        s.spec.push_back(static_cast<float>(f) / static_cast<float>(frames - 1));
    s.grad.assign(frames, 0.0f);
    s.grad[600] = 1.0f;
    return s;
}

int chroma_row_middle(int pitch) {
    return kChromaTop + (11 - pitch) * kChromaRowHeight + kChromaRowHeight / 2;
}

TEST(FeaturePlot, ColourMapEnds) {
    EXPECT_EQ(chroma_colour(0.0f), (Rgb{68, 1, 84}));
    EXPECT_EQ(chroma_colour(1.0f), (Rgb{253, 231, 37}));
    EXPECT_EQ(chroma_colour(std::numeric_limits<float>::quiet_NaN()), chroma_colour(0.0f));
    EXPECT_EQ(chroma_colour(2.0f), chroma_colour(1.0f));
}

TEST(FeaturePlot, ChromaRowsShowTheirPitchAtTheirTime) {
    const Synthetic s = make_synthetic();
    const RgbImage image = draw_feature_plot(s.data());
    ASSERT_EQ(feature_plot_width(s.frames), 1200);  // one column per frame
    for (int pitch = 0; pitch < 12; ++pitch) {
        const int x = kPlotLeft + pitch * 100 + 50;
        EXPECT_EQ(image.at(x, chroma_row_middle(pitch)), chroma_colour(1.0f)) << pitch;
        EXPECT_EQ(image.at(x, chroma_row_middle((pitch + 1) % 12)), chroma_colour(0.0f)) << pitch;
    }
}

TEST(FeaturePlot, CurvesRiseWhereTheValuesRise) {
    const Synthetic s = make_synthetic();
    const RgbImage image = draw_feature_plot(s.data());
    const int power_bottom = curve_panel_top(0) + kCurveHeight - 1;
    // The power ramp: frame f is drawn at height f / (F - 1) of the panel.
    for (const int f : {0, 300, 900, 1199}) {
        const double value = f / 1199.0;
        const int y = power_bottom - static_cast<int>(std::lround(value * (kCurveHeight - 1)));
        EXPECT_EQ(image.at(kPlotLeft + f, y), kPowerLine) << f;
        if (y > curve_panel_top(0) + 1) {
            EXPECT_NE(image.at(kPlotLeft + f, y - 2), kPowerLine) << f;
        }
    }
    const int gradient_top = curve_panel_top(1);
    EXPECT_EQ(image.at(kPlotLeft + 600, gradient_top), kGradientLine);
    EXPECT_NE(image.at(kPlotLeft + 300, gradient_top), kGradientLine);
    EXPECT_EQ(image.at(kPlotLeft + 300, gradient_top + kCurveHeight - 1), kGradientLine);
}

// The rhythm panels: the percussive curve scaled to its maximum (a spike of 5 at frame 300 reaches
// the top), the harmonic one likewise (a ramp to 0.25 becomes a ramp to 1), and a tick at the top
// of the percussive panel at each beat.
TEST(FeaturePlot, RhythmPanelsShowBeatsAndScaledCurves) {
    constexpr Rgb kPercussiveLine{255, 92, 120};
    constexpr Rgb kHarmonicLine{140, 220, 120};
    constexpr Rgb kBeatTick{250, 250, 250};
    const Synthetic s = make_synthetic();
    const auto frames = static_cast<std::size_t>(s.frames);
    std::vector<float> percussive(frames, 0.0f);
    percussive[300] = 5.0f;
    std::vector<float> harmonic;
    for (std::size_t f = 0; f < frames; ++f)
        harmonic.push_back(0.25f * static_cast<float>(f) / static_cast<float>(frames - 1));
    const std::vector<std::int64_t> beats = {450, 900};
    FeaturePlotData data = s.data();
    const int plain_height = draw_feature_plot(data).height();
    data.beats = beats;
    data.percussive = percussive;
    data.harmonic = harmonic;
    const RgbImage image = draw_feature_plot(data);
    EXPECT_EQ(image.height(), plain_height + 2 * (curve_panel_top(1) - curve_panel_top(0)));

    const int percussive_top = curve_panel_top(2);
    EXPECT_EQ(image.at(kPlotLeft + 300, percussive_top), kPercussiveLine);
    EXPECT_EQ(image.at(kPlotLeft + 700, percussive_top + kCurveHeight - 1), kPercussiveLine);
    for (const std::int64_t beat : beats) {
        const int x = kPlotLeft + static_cast<int>(beat);
        EXPECT_EQ(image.at(x, percussive_top), kBeatTick) << beat;
        EXPECT_EQ(image.at(x, percussive_top + kBeatTickHeight - 1), kBeatTick) << beat;
        EXPECT_NE(image.at(x, percussive_top + kBeatTickHeight), kBeatTick) << beat;
        EXPECT_NE(image.at(x + 1, percussive_top), kBeatTick) << beat;
    }
    const int harmonic_bottom = curve_panel_top(3) + kCurveHeight - 1;
    for (const int f : {0, 600, 1199}) {
        const double value = f / 1199.0;
        const int y = harmonic_bottom - static_cast<int>(std::lround(value * (kCurveHeight - 1)));
        EXPECT_EQ(image.at(kPlotLeft + f, y), kHarmonicLine) << f;
    }

    harmonic.pop_back();
    data.harmonic = harmonic;
    EXPECT_THROW(draw_feature_plot(data), std::exception);
}

TEST(FeaturePlot, ShortAndLongInputsFitTheWidthLimits) {
    EXPECT_EQ(feature_plot_width(13), 600);
    EXPECT_EQ(feature_plot_width(100000), 1600);
    Synthetic s;
    s.frames = 13;
    s.chroma.assign(12 * 13, 0.5f);
    s.spec.assign(13, std::numeric_limits<float>::quiet_NaN());  // silent input
    s.grad.assign(13, 0.0f);
    const RgbImage image = draw_feature_plot(s.data());
    EXPECT_EQ(image.width(), kPlotLeft + 600 + 12);
    EXPECT_EQ(image.at(kPlotLeft + 599, chroma_row_middle(3)), chroma_colour(0.5f));
}

TEST(FeaturePlot, MismatchedSizesAreErrors) {
    Synthetic s = make_synthetic();
    s.grad.pop_back();
    EXPECT_THROW(draw_feature_plot(s.data()), std::exception);
}

}  // namespace
}  // namespace bgv::image
