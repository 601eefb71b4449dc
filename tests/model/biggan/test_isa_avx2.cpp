// The generator on the AVX2 path (most laptops): this process runs with
// ONEDNN_MAX_CPU_ISA=AVX2, which oneDNN and so runtime::cpu_isa (every kernel of ours) follow.
// The same images within the float32 tolerance of the float64 golden; every kernel an AVX2 one
// (the portable one on a CPU without AVX2); and a bf16 request falls back to fp32 — the test of
// that fallback on every machine.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "core/npy.h"
#include "fast_kernels.h"
#include "model/biggan/generator.h"
#include "runtime/cpu_isa.h"
#include "seeded_model.h"
#include "support/numeric.h"

using namespace bgv;

namespace {

// Set before anything reads it: oneDNN reads it once, at its first use.
const bool kLimitedToAvx2 = [] { return setenv("ONEDNN_MAX_CPU_ISA", "AVX2", 1) == 0; }();

constexpr int kThreads = 1;  // ctest runs two tests at once on two cores

struct Case {
    test::FullsizeModel model;
    double truncation;
    std::vector<float> z, y, golden;
};

const Case& case_128() {
    static const Case c = [] {
        const auto dir = test::fullsize_data(128);
        const auto info = nlohmann::json::parse(read_file_text(dir / "golden.json"));
        return Case{test::fullsize_model(128), info["truncation"].get<double>(),
                    read_npy_f32(dir / "z.npy").data, read_npy_f32(dir / "y.npy").data,
                    read_npy_f32(dir / "golden.npy").data};
    }();
    return c;
}

}  // namespace

// Rel. L2 ≤ 1e-3 against float64, the full-size tests' float32 bound (test_fullsize.cpp).
TEST(BigganAvx2, SameImagesWithinTheFloat32Tolerance) {
    ASSERT_TRUE(kLimitedToAvx2);
    EXPECT_LE(runtime::cpu_isa(), runtime::CpuIsa::avx2);
    const Case& c = case_128();
    auto g =
        biggan::Generator::from_state_dict(c.model.weights, c.model.config, c.truncation, kThreads);
    std::vector<float> out(c.golden.size());
    g.generate(c.z, c.y, 1, out);
    const double error = test::relative_error(out, c.golden);
    std::printf("128 px on %s kernels: rel L2 %.3g against float64\n",
                std::string(runtime::cpu_isa_name(runtime::cpu_isa())).c_str(), error);
    EXPECT_LE(error, 1e-3);
    test::expect_fast_kernels(g.implementations(), false);
    for (const auto& [what, impl] : g.implementations())
        EXPECT_EQ(impl.find("avx512"), std::string::npos) << what << ": " << impl;
}

// A bf16 request on a CPU (here: a process) without bfloat16 arithmetic runs fp32, bit for bit.
TEST(BigganAvx2, Bfloat16RequestRunsFloat32) {
    ASSERT_TRUE(kLimitedToAvx2);
    const Case& c = case_128();
    auto fp32 =
        biggan::Generator::from_state_dict(c.model.weights, c.model.config, c.truncation, kThreads);
    auto bf16 = biggan::Generator::from_state_dict(c.model.weights, c.model.config, c.truncation,
                                                   kThreads, biggan::Precision::bf16);
    EXPECT_EQ(bf16.precision(), biggan::Precision::fp32);
    std::vector<float> a(c.golden.size()), b(c.golden.size());
    fp32.generate(c.z, c.y, 1, a);
    bf16.generate(c.z, c.y, 1, b);
    EXPECT_EQ(a, b);
}
