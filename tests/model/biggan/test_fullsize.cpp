// The generator on the published 128, 256 and 512 px architectures (channel width 128) against
// float64 goldens: weights drawn here by tools/seeded_biggan.py's recipe, batch-norm
// calibration and goldens committed in data/fullsize/<R> (tools/make_fullsize_goldens.py).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "core/npy.h"
#include "model/biggan/generator.h"
#include "seeded_model.h"

namespace fs = std::filesystem;
using namespace bgv;

namespace {

// One thread: ctest runs two tests at once on two cores (see test_goldens.cpp).
constexpr int kThreads = 1;

double relative_l2(std::span<const float> got, std::span<const float> want) {
    double diff = 0.0, norm = 0.0;
    for (std::size_t i = 0; i < want.size(); ++i) {
        const double d = static_cast<double>(got[i]) - want[i];
        diff += d * d;
        norm += static_cast<double>(want[i]) * want[i];
    }
    return std::sqrt(diff / norm);
}

// Relative L2 error at most 1e-3 against float64 (float32 through the whole network with the
// real channel counts; PyTorch float32's own error, from golden.json, is printed beside ours).
void check(int resolution) {
    const fs::path dir = test::fullsize_data(resolution);
    const auto info = nlohmann::json::parse(read_file_text(dir / "golden.json"));
    const auto start = std::chrono::steady_clock::now();
    auto model = test::fullsize_model(resolution);
    ASSERT_EQ(model.config.resolution(), resolution);
    // The same bits as tools/seeded_biggan.py drew for the golden.
    ASSERT_EQ(model.checksum, info["weights_checksum"].get<std::string>());
    const auto drawn = std::chrono::steady_clock::now();
    auto generator = biggan::Generator::from_state_dict(model.weights, model.config,
                                                        info["truncation"].get<double>(), kThreads);
    model.weights.clear();
    const auto loaded = std::chrono::steady_clock::now();
    const auto z = read_npy_f32(dir / "z.npy");
    const auto y = read_npy_f32(dir / "y.npy");
    const auto golden = read_npy_f32(dir / "golden.npy");
    std::vector<float> out(static_cast<std::size_t>(3) * resolution * resolution);
    ASSERT_EQ(golden.data.size(), out.size());
    generator.generate(z.data, y.data, 1, out);
    const auto ran = std::chrono::steady_clock::now();

    const double error = relative_l2(out, golden.data);
    const auto seconds = [](auto a, auto b) {
        return std::chrono::duration<double>(b - a).count();
    };
    std::printf(
        "%d px: rel L2 %.3g against float64 (PyTorch float32 %.3g); weights drawn and calibrated "
        "in "
        "%.2f s, folded in %.2f s, one image in %.2f s\n",
        resolution, error, info["rel_l2_torch_float32"].get<double>(), seconds(start, drawn),
        seconds(drawn, loaded), seconds(loaded, ran));
    EXPECT_LE(error, 1e-3);
    // A wrong network lands far away: the golden's own spread is ~0.4 (golden.json "output").
    EXPECT_GT(info["output"]["std"].get<double>(), 0.1);
}

}  // namespace

TEST(BigganFullsize, Resolution128) {
    check(128);
}
TEST(BigganFullsize, Resolution256) {
    check(256);
}
TEST(BigganFullsize, Resolution512) {
    check(512);
}
