// Draws docs/choreography.png: the beat choreography's curves on 12 s of race1-jt.ogg (librosa's
// rhythm features at 30 fps, tests/choreo/data): percussive onset strength with the tracked beats,
// the pulse, the harmonic drive and the frame-to-frame change of the noise vector.
// Usage: plot_choreography DATA_DIR OUT.png
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "choreo/beat.h"
#include "image/png.h"
#include "core/file.h"
#include "core/npy.h"

namespace {
using bgv::image::Rgb;
using bgv::image::RgbImage;

constexpr double kFps = 30;
constexpr std::int64_t kFirst = 300, kLast = 660;  // 10 s to 22 s
constexpr int kLeft = 150, kWidth = 1080, kPanelHeight = 110, kGap = 14, kTop = 40;
constexpr Rgb kBackground{22, 22, 28}, kPanel{36, 36, 44}, kText{228, 228, 232};
constexpr Rgb kBeat{120, 120, 140}, kOrange{255, 166, 64}, kBlue{90, 200, 255},
    kGreen{120, 220, 120}, kPink{255, 110, 160};

int x_of(std::int64_t frame) {
    return kLeft + static_cast<int>((frame - kFirst) * kWidth / (kLast - kFirst));
}

void panel(RgbImage& image, int index, const std::string& label, std::span<const double> values,
           Rgb colour, std::span<const std::int64_t> beats) {
    const int top = kTop + index * (kPanelHeight + kGap);
    image.fill_rect(kLeft, top, kWidth, kPanelHeight, kPanel);
    for (const auto b : beats) {
        if (b >= kFirst && b < kLast)
            image.vertical_line(x_of(b), top, top + kPanelHeight - 1, kBeat);
    }
    double maximum = 1e-12;
    for (std::int64_t f = kFirst; f < kLast; ++f)
        maximum = std::max(maximum, values[f]);
    int previous_y = -1;
    for (std::int64_t f = kFirst; f < kLast; ++f) {
        const int y = top + kPanelHeight - 1 -
                      static_cast<int>(std::lround(values[f] / maximum * (kPanelHeight - 4)));
        const int x0 = x_of(f), x1 = x_of(f + 1);
        if (previous_y >= 0)
            image.vertical_line(x0, std::min(previous_y, y), std::max(previous_y, y), colour);
        image.fill_rect(x0, y, std::max(1, x1 - x0), 2, colour);
        previous_y = y;
    }
    image.draw_text(8, top + kPanelHeight / 2 - 7, label, kText, 2);
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: plot_choreography DATA_DIR OUT.png\n");
        return 2;
    }
    const std::filesystem::path data = argv[1];
    const auto env = bgv::read_npy_f32(data / "race1_hop735_onset_env_percussive.npy").data;
    const auto rms_h = bgv::read_npy_f32(data / "race1_hop735_rms_h.npy").data;
    const auto chroma = bgv::read_npy_f32(data / "race1_hop735_chroma_h.npy").data;
    const auto events =
        nlohmann::json::parse(bgv::read_file_text(data / "race1_hop735_events.json"));
    const auto beat_frames = events["beats"].get<std::vector<std::int64_t>>();
    std::vector<double> beats, onsets;
    for (const auto f : beat_frames)
        beats.push_back(static_cast<double>(f) / kFps);
    for (const auto f : events["onsets"].get<std::vector<std::int64_t>>())
        onsets.push_back(static_cast<double>(f) / kFps);
    const auto frames = static_cast<std::int64_t>(rms_h.size());
    std::array<int, 12> order{};
    for (int i = 0; i < 12; ++i)
        order[i] = i;
    const bgv::choreo::RhythmView view{frames, kFps, env, rms_h, chroma, beats, onsets, order};
    const bgv::choreo::BeatParams params;
    const auto curves = bgv::choreo::beat_curves(view, params);
    const std::vector<int> classes = {1, 22, 333, 444, 555, 666, 777, 888, 999, 10, 20, 30};
    const auto vectors = bgv::choreo::make_beat_vectors(view, classes, params, 7);

    std::vector<double> onset_strength(env.begin(), env.end()), change(frames, 0.0);
    for (std::int64_t f = 1; f < frames; ++f) {
        double sum = 0;
        for (int u = 0; u < bgv::choreo::kNoiseSize; ++u) {
            const double d = vectors.noise_row(f)[u] - vectors.noise_row(f - 1)[u];
            sum += d * d;
        }
        change[f] = std::sqrt(sum);
    }
    RgbImage image(kLeft + kWidth + 40, kTop + 4 * (kPanelHeight + kGap) + 40, kBackground);
    image.draw_text(
        kLeft, 10,
        "race1 song (54 s, drums), 10-22 s at 30 fps, default parameters. grey: tracked beats",
        kText, 2);
    panel(image, 0, "perc. onset", onset_strength, kOrange, beat_frames);
    panel(image, 1, "pulse", curves.pulse, kPink, beat_frames);
    panel(image, 2, "harm. drive", curves.drive, kGreen, beat_frames);
    panel(image, 3, "noise change", change, kBlue, beat_frames);
    const int axis = kTop + 4 * (kPanelHeight + kGap);
    for (int second = 10; second <= 22; second += 2) {
        const int x = x_of(static_cast<std::int64_t>(second * kFps));
        image.vertical_line(x, axis - kGap, axis - 2, kText);
        image.draw_text(x - 10, axis + 4, fmt::format("{}s", second), kText, 2);
    }
    bgv::image::write_png_rgb(argv[2], image.pixels(), image.width(), image.height());
    return 0;
}
