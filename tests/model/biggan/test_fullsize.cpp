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
#include "fast_kernels.h"
#include "model/biggan/generator.h"
#include "runtime/cpu_isa.h"
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

// bf16 (bfloat16 convolutions and attention products, float32 accumulation: docs/biggan-deep.md,
// "Precision") on the 128 px model against the float64 golden. Measured here: rel. L2 ~5e-2
// (bfloat16 keeps 8 significant bits, u = 2^-8, through ~40 layers of random weights, which amplify
// errors more than trained ones), PSNR of the 8-bit pixels against fp32 ~40 dB. Bounds: rel. L2 <
// 0.15 and PSNR > 30 dB (a wrong layout or scale lands at rel. L2 ~1), and rel. L2 > 1e-4 (the
// float32 path's error is 1.2e-5: bf16 arithmetic really ran). On a CPU without bfloat16 arithmetic
// the request runs fp32, bit for bit (test_biggan_avx2 forces that case on every machine).
TEST(BigganFullsize, Bfloat16Resolution128) {
    const fs::path dir = test::fullsize_data(128);
    const auto info = nlohmann::json::parse(read_file_text(dir / "golden.json"));
    const auto model = test::fullsize_model(128);
    const double t = info["truncation"].get<double>();
    auto fp32 = biggan::Generator::from_state_dict(model.weights, model.config, t, kThreads);
    auto bf16 = biggan::Generator::from_state_dict(model.weights, model.config, t, kThreads,
                                                   biggan::Precision::bf16);
    const auto z = read_npy_f32(dir / "z.npy");
    const auto y = read_npy_f32(dir / "y.npy");
    const auto golden = read_npy_f32(dir / "golden.npy");
    std::vector<float> want(golden.data.size()), got(golden.data.size());
    fp32.generate(z.data, y.data, 1, want);
    bf16.generate(z.data, y.data, 1, got);
    if (!runtime::supports_bf16(runtime::cpu_isa())) {
        EXPECT_EQ(bf16.precision(), biggan::Precision::fp32);
        EXPECT_EQ(got, want);
        return;
    }
    ASSERT_EQ(bf16.precision(), biggan::Precision::bf16);
    const double error = relative_l2(got, golden.data);
    std::vector<std::uint8_t> a(got.size()), b(got.size());
    biggan::to_rgb8(want, 128, a);
    biggan::to_rgb8(got, 128, b);
    double squared = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        squared += (static_cast<double>(a[i]) - b[i]) * (static_cast<double>(a[i]) - b[i]);
    const double psnr = 10.0 * std::log10(255.0 * 255.0 * a.size() / std::max(squared, 1.0));
    std::printf("128 px bf16: rel L2 %.3g against float64, PSNR %.1f dB against fp32\n", error,
                psnr);
    EXPECT_LT(error, 0.15);
    EXPECT_GT(error, 1e-4);
    EXPECT_GT(psnr, 30.0);
}

// Every operation of a forward pass at batch 1 and 4, fp32 and bf16, on a fast kernel
// (fast_kernels.h): oneDNN 2.6 once fell back to ref:any for a per-(sample, channel) post-op
// at batch > 1.
TEST(BigganFullsize, EveryOperationOnAFastKernel) {
    const auto model = test::fullsize_model(128);
    for (auto precision : {biggan::Precision::fp32, biggan::Precision::bf16}) {
        auto g = biggan::Generator::from_state_dict(model.weights, model.config, 0.5, kThreads,
                                                    precision);
        for (int batch : {1, 4}) {
            std::vector<float> z(static_cast<std::size_t>(batch) * 128, 0.3f);
            std::vector<float> y(static_cast<std::size_t>(batch) * 1000, 0.001f);
            std::vector<float> out(static_cast<std::size_t>(batch) * 3 * 128 * 128);
            g.generate(z, y, batch, out);
        }
        test::expect_fast_kernels(g.implementations(), g.precision() == biggan::Precision::bf16);
    }
}

TEST(BigganFullsize, Resolution128) {
    check(128);
}
TEST(BigganFullsize, Resolution256) {
    check(256);
}
TEST(BigganFullsize, Resolution512) {
    check(512);
}
