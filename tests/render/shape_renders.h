// The renders the shape tests make (tests/render/test_shapes.cpp, test_subtitles.cpp): the
// command line of a 2 s render of the chords fixture with the tiny128 model, and what they compare.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <string_view>

#include "core/npy.h"
#include "model/biggan/generator.h"  // to_rgb8: pixels as the published tools make them
#include "render_test_support.h"

namespace bgv::test::shapes {
inline const fs::path kBinary = fs::path(BGV_BINARY_DIR) / "src/cli/bigganviz";
inline const fs::path kModel = fs::path(BGV_TEST_DATA) / "model/biggan/data/tiny128";
inline const fs::path kTextModel = fs::path(BGV_TEST_DATA) / "model/bert/data/tiny_minilm";
// -fl 4096 -d 2: 11 frames of 4096 / 22050 s; batches and pieces of 4 are the batches of 4 that
// `generate` runs, so the frames are the same generator calls.
constexpr int kHop = 4096;
constexpr std::int64_t kFrames = (2 * 22050 + kHop - 1) / kHop;
constexpr double kFrameSeconds = kHop / 22050.0;

// `seconds` of the song, 2 unless said.
inline std::string render_command(const fs::path& dir, const std::string& arguments,
                                  double seconds = 2) {
    return fmt::format(
        "cd '{}' && BIGGANVIZ_CACHE='{}' '{}' -s '{}' --weights '{}' -fl {} -d {} -t 0.6 --seed 3 "
        "-bs 4 --segment_frames 4 --threads 1 -q {} 2>&1",
        dir.string(), (dir / "cache").string(), kBinary.string(),
        (render_data() / "chords_3s.wav").string(), kModel.string(), kHop, seconds, arguments);
}

inline void render(const fs::path& dir, const std::string& arguments, double seconds = 2) {
    const auto result = run_command(render_command(dir, arguments, seconds));
    ASSERT_EQ(result.exit_code, 0) << arguments << "\n" << result.output;
}

inline std::int64_t frames_read(const Probe& p) {
    return std::stoll(p.video.at("nb_read_frames").get<std::string>());
}

// The frames `bigganviz generate` makes from the render's saved vectors, as RGB bytes.
inline std::string generated_rgb(const fs::path& dir, const std::string& shape, int width,
                                 int height) {
    const auto result = run_command(fmt::format(
        "cd '{}' && '{}' generate --weights '{}' --noise saved_vectors/noise_vectors.npy "
        "--class_vector saved_vectors/class_vectors.npy --truncation 0.6 --threads 1 {} "
        "--out generated.npy 2>&1",
        dir.string(), kBinary.string(), kModel.string(), shape));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    const auto images = bgv::read_npy_f32(dir / "generated.npy");
    EXPECT_EQ(images.shape, (std::vector<std::int64_t>{kFrames, 3, height, width}));
    const std::size_t frame = static_cast<std::size_t>(3) * width * height;
    std::string rgb(kFrames * frame, '\0');
    for (std::int64_t f = 0; f < kFrames; ++f)
        bgv::biggan::to_rgb8(
            std::span(images.data).subspan(f * frame, frame), width, height,
            std::span(reinterpret_cast<std::uint8_t*>(rgb.data()) + f * frame, frame));
    return rgb;
}

// Mean absolute difference of two RGB byte strings, in levels of 255.
inline double mean_abs(std::string_view a, std::string_view b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        sum += std::abs(static_cast<int>(static_cast<std::uint8_t>(a[i])) -
                        static_cast<std::uint8_t>(b[i]));
    return sum / static_cast<double>(a.size());
}

}  // namespace bgv::test::shapes
