#include "image/feature_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "features/features.h"

namespace bgv::image {

namespace {

constexpr int kRightMargin = 12;
constexpr int kPanelLabelHeight = 26;
constexpr int kAxisHeight = 32;
constexpr int kFontScale = 2;

constexpr Rgb kBackground{22, 22, 28};
constexpr Rgb kPanel{36, 36, 44};
constexpr Rgb kGrid{62, 62, 74};
constexpr Rgb kText{228, 228, 232};
constexpr Rgb kPowerLine{255, 166, 64};
constexpr Rgb kPowerFill{110, 72, 36};
constexpr Rgb kGradientLine{90, 200, 255};
constexpr Rgb kGradientFill{40, 86, 112};
constexpr Rgb kPercussiveLine{255, 92, 120};
constexpr Rgb kPercussiveFill{112, 40, 56};
constexpr Rgb kHarmonicLine{140, 220, 120};
constexpr Rgb kHarmonicFill{52, 96, 48};
constexpr Rgb kBeatTick{250, 250, 250};

int chroma_bottom() {
    return kChromaTop + 12 * kChromaRowHeight;
}

float finite_or_zero(float value) {
    return std::isfinite(value) ? value : 0.0f;
}

// Frames [first, last) that column `column` of `width` shows.
std::pair<std::int64_t, std::int64_t> column_frames(int column, int width, std::int64_t frames) {
    const std::int64_t first = column * frames / width;
    const std::int64_t last = std::max(first + 1, (column + 1) * frames / width);
    return {first, std::min(last, frames)};
}

std::string time_label(double seconds) {
    const auto whole = static_cast<long>(std::lround(seconds));
    if (whole >= 60)
        return fmt::format("{}:{:02}", whole / 60, whole % 60);
    return fmt::format("{}s", whole);
}

void draw_curve(RgbImage& image, int top, int width, std::span<const float> values,
                std::int64_t frames, Rgb line, Rgb fill) {
    const int bottom = top + kCurveHeight - 1;
    image.fill_rect(kPlotLeft, top, width, kCurveHeight, kPanel);
    for (int quarter = 1; quarter < 4; ++quarter) {
        const int y = bottom - quarter * (kCurveHeight - 1) / 4;
        image.fill_rect(kPlotLeft, y, width, 1, kGrid);
    }
    const auto to_y = [&](float value) {
        const float clipped = std::clamp(finite_or_zero(value), 0.0f, 1.0f);
        return bottom - static_cast<int>(std::lround(clipped * (kCurveHeight - 1)));
    };
    for (int column = 0; column < width; ++column) {
        auto [first, last] = column_frames(column, width, frames);
        // Include the previous column's last frame so that the line has no gaps.
        float low = 1, high = 0;
        for (std::int64_t f = std::max<std::int64_t>(first - 1, 0); f < last; ++f) {
            const float value = std::clamp(finite_or_zero(values[f]), 0.0f, 1.0f);
            if (f >= first)
                high = std::max(high, value);
            low = std::min(low, value);
        }
        high = std::max(high, low);
        const int x = kPlotLeft + column;
        image.vertical_line(x, to_y(high), bottom, fill);
        image.vertical_line(x, to_y(low), to_y(high), line);
    }
}

// The curve divided by its maximum (all zeros stay zeros), for panels drawn in [0, 1].
std::vector<float> scaled_to_peak(std::span<const float> values) {
    float peak = 0;
    for (const float v : values)
        peak = std::max(peak, finite_or_zero(v));
    std::vector<float> scaled(values.size(), 0.0f);
    if (peak > 0)
        for (std::size_t i = 0; i < values.size(); ++i)
            scaled[i] = finite_or_zero(values[i]) / peak;
    return scaled;
}

}  // namespace

int feature_plot_width(std::int64_t frames) {
    return static_cast<int>(std::clamp<std::int64_t>(frames, 600, 1600));
}

int curve_panel_top(int panel) {
    return chroma_bottom() + kPanelLabelHeight + panel * (kCurveHeight + kPanelLabelHeight);
}

Rgb chroma_colour(float value) {
    // Five stops of matplotlib's viridis, interpolated linearly.
    constexpr std::array<std::array<float, 3>, 5> kStops = {
        {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}};
    const float t = std::clamp(finite_or_zero(value), 0.0f, 1.0f) * 4.0f;
    const int low = std::min(static_cast<int>(t), 3);
    const float mix = t - static_cast<float>(low);
    const auto channel = [&](int c) {
        const float a = kStops[static_cast<std::size_t>(low)][static_cast<std::size_t>(c)];
        const float b = kStops[static_cast<std::size_t>(low + 1)][static_cast<std::size_t>(c)];
        return static_cast<std::uint8_t>(std::lround(a + (b - a) * mix));
    };
    return {channel(0), channel(1), channel(2)};
}

RgbImage draw_feature_plot(const FeaturePlotData& data) {
    const std::int64_t frames = data.frames;
    if (frames <= 0)
        fail("no frames to draw");
    if (static_cast<std::int64_t>(data.chroma.size()) != 12 * frames ||
        static_cast<std::int64_t>(data.spec_mean.size()) != frames ||
        static_cast<std::int64_t>(data.grad_mean.size()) != frames)
        fail("feature sizes do not match {} frames", frames);
    const bool rhythm = !data.percussive.empty();
    if (rhythm && (static_cast<std::int64_t>(data.percussive.size()) != frames ||
                   static_cast<std::int64_t>(data.harmonic.size()) != frames))
        fail("rhythm curve sizes do not match {} frames", frames);
    const int last_panel = rhythm ? 3 : 1;

    const int width = feature_plot_width(frames);
    const int height = curve_panel_top(last_panel) + kCurveHeight + kAxisHeight;
    RgbImage image(kPlotLeft + width + kRightMargin, height, kBackground);

    // Title line: what the chroma rows show and the numbers a user tunes against.
    std::string loudest;
    for (int i = 0; i < 3; ++i)
        loudest +=
            fmt::format(" {}", features::kPitchNames[static_cast<std::size_t>(data.chromasort[i])]);
    const std::string tuning =
        std::isfinite(data.tuning) ? fmt::format("{:+.2f}", data.tuning) : std::string("-");
    // Fits the narrowest plot (600 pixels, 50 characters).
    image.draw_text(
        kPlotLeft, 10,
        fmt::format("loudest{}  tuning {}  {:.2f} fps", loudest, tuning, data.frames_per_second),
        kText, kFontScale);

    // Chromagram, C at the bottom as librosa's specshow draws it.
    for (int pitch = 0; pitch < 12; ++pitch) {
        const int top = kChromaTop + (11 - pitch) * kChromaRowHeight;
        const char* name = features::kPitchNames[static_cast<std::size_t>(pitch)];
        image.draw_text(kPlotLeft - 6 - RgbImage::text_width(name, kFontScale), top + 2, name,
                        kText, kFontScale);
        const float* row = data.chroma.data() + pitch * frames;
        for (int column = 0; column < width; ++column) {
            const auto [first, last] = column_frames(column, width, frames);
            float sum = 0;
            for (std::int64_t f = first; f < last; ++f)
                sum += finite_or_zero(row[f]);
            const Rgb colour = chroma_colour(sum / static_cast<float>(last - first));
            image.fill_rect(kPlotLeft + column, top, 1, kChromaRowHeight, colour);
        }
    }

    const int label_offset = (kPanelLabelHeight - 7 * kFontScale) / 2;
    image.draw_text(kPlotLeft, chroma_bottom() + label_offset, "power (spec_mean)", kPowerLine,
                    kFontScale);
    draw_curve(image, curve_panel_top(0), width, data.spec_mean, frames, kPowerLine, kPowerFill);
    image.draw_text(kPlotLeft, curve_panel_top(0) + kCurveHeight + label_offset,
                    "gradient (grad_mean)", kGradientLine, kFontScale);
    draw_curve(image, curve_panel_top(1), width, data.grad_mean, frames, kGradientLine,
               kGradientFill);
    if (rhythm) {
        image.draw_text(kPlotLeft, curve_panel_top(1) + kCurveHeight + label_offset,
                        "percussive onsets, beats", kPercussiveLine, kFontScale);
        draw_curve(image, curve_panel_top(2), width, scaled_to_peak(data.percussive), frames,
                   kPercussiveLine, kPercussiveFill);
        for (const std::int64_t beat : data.beats) {
            if (beat < 0 || beat >= frames)
                continue;
            const int x = kPlotLeft + static_cast<int>(beat * width / frames);
            image.vertical_line(x, curve_panel_top(2), curve_panel_top(2) + kBeatTickHeight - 1,
                                kBeatTick);
        }
        image.draw_text(kPlotLeft, curve_panel_top(2) + kCurveHeight + label_offset,
                        "harmonic energy", kHarmonicLine, kFontScale);
        draw_curve(image, curve_panel_top(3), width, scaled_to_peak(data.harmonic), frames,
                   kHarmonicLine, kHarmonicFill);
    }

    // Time axis: ticks at a round step at least ~110 pixels apart.
    const double seconds = static_cast<double>(frames) / data.frames_per_second;
    const double pixels_per_second = width / seconds;
    double step = 3600;
    for (const double candidate :
         {0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0}) {
        if (candidate * pixels_per_second >= 110) {
            step = candidate;
            break;
        }
    }
    const int axis_top = curve_panel_top(last_panel) + kCurveHeight;
    for (double t = 0; t <= seconds; t += step) {
        const int x = kPlotLeft + static_cast<int>(std::lround(t * pixels_per_second));
        image.vertical_line(x, axis_top, axis_top + 5, kText);
        const std::string label = step < 1 ? fmt::format("{:.1f}s", t) : time_label(t);
        const int label_x = std::min(x - RgbImage::text_width(label, kFontScale) / 2,
                                     image.width() - RgbImage::text_width(label, kFontScale));
        image.draw_text(std::max(label_x, 0), axis_top + 9, label, kText, kFontScale);
    }
    return image;
}

std::string feature_picture_png(const features::Features& features, const features::Rhythm& rhythm,
                                std::span<const std::int64_t> beat_frames,
                                double frames_per_second) {
    const FeaturePlotData plot{.frames = features.frames,
                               .frames_per_second = frames_per_second,
                               .chroma = features.chroma,
                               .spec_mean = features.spec_mean,
                               .grad_mean = features.grad_mean,
                               .chromasort = features.chromasort,
                               .tuning = features.tuning,
                               .beats = beat_frames,
                               .percussive = rhythm.onset_env_percussive,
                               .harmonic = rhythm.rms_h};
    return encode_png(draw_feature_plot(plot));
}

}  // namespace bgv::image
