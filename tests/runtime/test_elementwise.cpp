#include <gtest/gtest.h>

#include "feature_maps.h"
#include "naive.h"
#include "runtime/elementwise.h"
#include "runtime/eltwise.h"
#include "runtime/softmax.h"

using namespace bgv::runtime;
using bgv::test::feature_map;
using bgv::test::random_values;
using bgv::test::relative_error;
using bgv::test::values_of;

// Max is exact; layer norm and softmax are a handful of float32 operations per value (relative
// error ~1e-7), checked at 1e-6.
constexpr double kTolerance = 1e-6;

// H ≠ W; float32, and bfloat16 (max of the rounded values, exact too).
TEST(Elementwise, Maxpool) {
    const auto v = random_values(2 * 4 * 6 * 3, 2);
    for (DataType type : {DataType::f32, DataType::bf16}) {
        const FeatureMap in = feature_map(v, type, 2, 4, 6, 3);
        const auto source = values_of(in);
        FeatureMap out;
        maxpool2x2(in, out);
        ASSERT_EQ(out.height(), 2);
        ASSERT_EQ(out.width(), 3);
        ASSERT_EQ(out.type(), type);
        const auto got = values_of(out);
        for (int n = 0; n < 2; ++n)
            for (int y = 0; y < 2; ++y)
                for (int x = 0; x < 3; ++x)
                    for (int c = 0; c < 3; ++c) {
                        float m = -1e9f;
                        for (int dy = 0; dy < 2; ++dy)
                            for (int dx = 0; dx < 2; ++dx)
                                m = std::max(
                                    m, source[((n * 4 + 2 * y + dy) * 6 + 2 * x + dx) * 3 + c]);
                        ASSERT_EQ(got[((n * 2 + y) * 3 + x) * 3 + c], m);
                    }
    }
}

TEST(Elementwise, LayerNorm) {
    const auto v = random_values(4 * 10, 3, 3.0f);
    std::vector<double> want(v.size());
    std::vector<float> l = v;
    const auto gamma = random_values(10, 6), beta = random_values(10, 7);
    layer_norm_rows(l.data(), 4, 10, gamma.data(), beta.data(), 1e-12f);
    for (int r = 0; r < 4; ++r) {
        double mean = 0.0, var = 0.0;
        for (int c = 0; c < 10; ++c)
            mean += v[r * 10 + c] / 10.0;
        for (int c = 0; c < 10; ++c)
            var += (v[r * 10 + c] - mean) * (v[r * 10 + c] - mean) / 10.0;
        for (int c = 0; c < 10; ++c)
            want[r * 10 + c] = (v[r * 10 + c] - mean) / std::sqrt(var + 1e-12) * gamma[c] + beta[c];
    }
    EXPECT_LT(relative_error(l, want), kTolerance);
}

// The loop reference (tests/runtime/naive.h) against double precision, then oneDNN's softmax
// against the loop, in place and into bfloat16 (rounding: at most u = 2^-8 of each value).
TEST(Elementwise, SoftmaxPrimitiveMatchesLoop) {
    const auto small = random_values(8 * 5, 3, 3.0f);
    std::vector<float> s = small;
    bgv::test::softmax_rows_reference(s.data(), 8, 5);
    std::vector<double> want(small.size());
    for (int r = 0; r < 8; ++r) {
        double total = 0.0;
        for (int c = 0; c < 5; ++c)
            total += std::exp(static_cast<double>(small[r * 5 + c]));
        for (int c = 0; c < 5; ++c)
            want[r * 5 + c] = std::exp(static_cast<double>(small[r * 5 + c])) / total;
    }
    EXPECT_LT(relative_error(s, want), kTolerance);

    Engine engine(2);
    const auto v = random_values(37 * 300, 8, 5.0f);
    std::vector<float> loop = v, primitive = v;
    bgv::test::softmax_rows_reference(loop.data(), 37, 300);
    softmax_rows(engine, primitive.data(), 37, 300);
    EXPECT_LT(relative_error(primitive, loop), kTolerance);
    std::vector<std::uint16_t> rounded(v.size());
    softmax_rows(engine, v.data(), rounded.data(), DataType::bf16, 37, 300);
    std::vector<float> widened(v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        widened[i] = from_bf16(rounded[i]);
    EXPECT_LT(relative_error(widened, loop), 1.0 / 256);
}

// oneDNN's vectorised tanh against std::tanh: its polynomial is accurate to a few ulp.
TEST(Elementwise, TanhPrimitiveMatchesLibm) {
    Engine engine(2);
    const auto v = random_values(1000, 9, 4.0f);
    std::vector<float> got = v;
    apply_activation(engine, got, Activation::tanh);
    std::vector<double> want(v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        want[i] = std::tanh(static_cast<double>(v[i]));
    EXPECT_LT(relative_error(got, want), kTolerance);
}
