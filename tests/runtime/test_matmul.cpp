#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "feature_maps.h"
#include "naive.h"
#include "runtime/conv_kernel.h"
#include "runtime/cpu_isa.h"
#include "runtime/matmul.h"

using namespace bgv::runtime;
using bgv::test::random_values;
using bgv::test::relative_error;
using bgv::test::rounded_to_bf16;

namespace {
// Float32 dot products of at most 96 terms in [-1, 1]: relative L2 error well under 1e-5.
constexpr double kTolerance = 1e-5;

// x·Wᵀ + bias in double: x (rows, in), W (out, in).
std::vector<double> linear_reference(const std::vector<float>& x, const std::vector<float>& w,
                                     const std::vector<float>& bias, int rows, int in, int out) {
    std::vector<double> y(static_cast<std::size_t>(rows) * out);
    for (int r = 0; r < rows; ++r)
        for (int o = 0; o < out; ++o) {
            double acc = bias[o];
            for (int i = 0; i < in; ++i)
                acc += static_cast<double>(x[r * in + i]) * w[o * in + i];
            y[r * out + o] = acc;
        }
    return y;
}
}  // namespace

TEST(Matmul, BatchedStridedTransposedWithEpilogue) {
    Engine engine(2);
    // Two heads of a (seq, 2·d) matrix multiplied in place: C_h = A_h · B_hᵀ, as attention does.
    const int batch = 2, m = 5, k = 7, n = 6, ld = batch * k;
    const auto a = random_values(static_cast<std::size_t>(m) * ld, 1);
    const auto b = random_values(static_cast<std::size_t>(n) * ld, 2);
    const auto bias = random_values(n, 3);
    const auto previous = random_values(static_cast<std::size_t>(batch) * m * n, 4);
    std::vector<double> want(previous.size());
    for (int h = 0; h < batch; ++h)
        for (int i = 0; i < m; ++i)
            for (int j = 0; j < n; ++j) {
                double acc = bias[j];
                for (int p = 0; p < k; ++p)
                    acc += static_cast<double>(a[i * ld + h * k + p]) * b[j * ld + h * k + p];
                const std::size_t at = (static_cast<std::size_t>(h) * m + i) * n + j;
                want[at] = std::max(0.5 * acc + previous[at], 0.0);
            }
    std::vector<float> c = previous;
    matmul(engine, a.data(), b.data(), c.data(),
           MatmulShape{.batch = batch,
                       .m = m,
                       .k = k,
                       .n = n,
                       .transpose_b = true,
                       .lda = ld,
                       .ldb = ld,
                       .batch_stride_a = k,
                       .batch_stride_b = k},
           MatmulEpilogue{.bias = bias.data(),
                          .alpha = 0.5f,
                          .accumulate = true,
                          .activation = Activation::relu});
    EXPECT_LT(relative_error(c, want), kTolerance);
}

TEST(Matmul, LinearMatchesNaiveLoops) {
    Engine engine(2);
    const int rows = 3, in = 96, out = 40;
    const auto x = random_values(static_cast<std::size_t>(rows) * in, 5);
    const auto w = random_values(static_cast<std::size_t>(out) * in, 6);
    const auto bias = random_values(out, 7);
    std::vector<double> want = linear_reference(x, w, bias, rows, in, out);
    for (double& v : want)
        v = 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
    std::vector<float> y(want.size());
    linear(engine, x.data(), w.data(), bias.data(), y.data(), rows, in, out, Activation::gelu_erf);
    EXPECT_LT(relative_error(y, want), kTolerance);
}

// A linear layer with bfloat16 weights (the batch-1 linears of bf16 generation): x rounded to
// bfloat16, products exact in float32, float32 sums. Against double sums of the rounded values:
// 256-term sums in float32 stay well under 1e-5. Up to 8 rows run the runtime's own gemv_bf16
// (`out` not a multiple of its 64-row blocks here), 9 rows oneDNN's matmul.
TEST(Matmul, LinearWithBfloat16WeightsMatchesRoundedValues) {
    if (!supports_bf16(cpu_isa()))
        return;  // bf16 generation falls back to fp32 on this CPU: nothing calls it
    Engine engine(2);
    for (const int rows : {1, 4, 9}) {
        const int in = 256, out = 1000;
        const auto x = random_values(static_cast<std::size_t>(rows) * in, 8);
        const auto w = random_values(static_cast<std::size_t>(out) * in, 9);
        const auto bias = random_values(out, 10);
        std::vector<std::uint16_t> w_bf16(w.size());
        std::transform(w.begin(), w.end(), w_bf16.begin(), to_bf16);
        const auto want =
            linear_reference(rounded_to_bf16(x), rounded_to_bf16(w), bias, rows, in, out);
        std::vector<float> y(want.size());
        linear(engine, x.data(), w_bf16.data(), bias.data(), y.data(), rows, in, out);
        EXPECT_LT(relative_error(y, want), kTolerance) << rows << " rows";
    }
    const auto& ran = engine.implementations();
    EXPECT_EQ(ran.at("linear 1x256 by (1000x256)ᵀ bf16"), "bgv:avx512_bf16 gemv");
}

// The batch-1 linears of float32 generation: up to 8 rows on the runtime's gemv_f32 (each output
// one float32 sum of 256 terms: well under 1e-5), 9 rows on oneDNN's matmul.
TEST(Matmul, LinearOfFewRowsMatchesNaiveLoops) {
    Engine engine(2);
    for (const int rows : {1, 4, 9}) {
        const int in = 256, out = 1000;
        const auto x = random_values(static_cast<std::size_t>(rows) * in, 11);
        const auto w = random_values(static_cast<std::size_t>(out) * in, 12);
        const auto bias = random_values(out, 13);
        const auto want = linear_reference(x, w, bias, rows, in, out);
        std::vector<float> y(want.size());
        linear(engine, x.data(), w.data(), bias.data(), y.data(), rows, in, out);
        EXPECT_LT(relative_error(y, want), kTolerance) << rows << " rows";
    }
    EXPECT_EQ(engine.implementations().at("linear 4x256 by (1000x256)ᵀ f32"),
              fmt::format("bgv:{} gemv", float_kernels_name(cpu_isa())));
}

TEST(Matmul, PlainProduct) {
    Engine engine(1);
    const int m = 4, k = 3, n = 5;
    const auto a = random_values(m * k, 8);
    const auto b = random_values(k * n, 9);
    std::vector<double> want(m * n);
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j)
            for (int p = 0; p < k; ++p)
                want[i * n + j] += static_cast<double>(a[i * k + p]) * b[p * n + j];
    std::vector<float> c(m * n);
    matmul(engine, a.data(), b.data(), c.data(), MatmulShape{.m = m, .k = k, .n = n});
    EXPECT_LT(relative_error(c, want), kTolerance);
}
