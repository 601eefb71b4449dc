#include <gtest/gtest.h>

#include "naive.h"
#include "runtime/elementwise.h"
#include "runtime/eltwise.h"
#include "runtime/softmax.h"

using namespace bgv::runtime;
using bgv::test::random_values;
using bgv::test::relative_error;

// Copies and max are exact; affine, softmax and layer norm are a handful of float32 operations
// per value (relative error ~1e-7), checked at 1e-6.
constexpr double kTolerance = 1e-6;

TEST(Elementwise, UpsampleAndChannelSlice) {
    const auto v = random_values(2 * 3 * 2 * 4, 1);
    Tensor in({2, 3, 2, 4}, v);
    Tensor out;
    upsample_nearest2x(in, out, 2);
    ASSERT_EQ(out.shape(), (std::vector<std::int64_t>{2, 6, 4, 2}));
    for (int n = 0; n < 2; ++n)
        for (int y = 0; y < 6; ++y)
            for (int x = 0; x < 4; ++x)
                for (int c = 0; c < 2; ++c)
                    ASSERT_EQ(out.data()[((n * 6 + y) * 4 + x) * 2 + c],
                              v[((n * 3 + y / 2) * 2 + x / 2) * 4 + c]);
    Tensor sliced;
    copy_channels(in, sliced, 3);
    ASSERT_EQ(sliced.shape(), (std::vector<std::int64_t>{2, 3, 2, 3}));
    for (int p = 0; p < 12; ++p)
        for (int c = 0; c < 3; ++c)
            ASSERT_EQ(sliced.data()[p * 3 + c], v[p * 4 + c]);
}

TEST(Elementwise, MaxpoolAndLayout) {
    const auto v = random_values(1 * 4 * 6 * 3, 2);
    Tensor in({1, 4, 6, 3}, v);
    Tensor out;
    maxpool2x2(in, out);
    ASSERT_EQ(out.shape(), (std::vector<std::int64_t>{1, 2, 3, 3}));
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 3; ++x)
            for (int c = 0; c < 3; ++c) {
                float m = -1e9f;
                for (int dy = 0; dy < 2; ++dy)
                    for (int dx = 0; dx < 2; ++dx)
                        m = std::max(m, v[((2 * y + dy) * 6 + 2 * x + dx) * 3 + c]);
                ASSERT_EQ(out.data()[(y * 3 + x) * 3 + c], m);
            }
    std::vector<float> nchw(v.size());
    nhwc_to_nchw(in, nchw);
    for (int c = 0; c < 3; ++c)
        for (int p = 0; p < 24; ++p)
            ASSERT_EQ(nchw[c * 24 + p], v[p * 3 + c]);
}

TEST(Elementwise, AffineSoftmaxLayerNorm) {
    const auto v = random_values(2 * 5 * 4, 3, 3.0f);
    const auto scale = random_values(2 * 4, 4), shift = random_values(2 * 4, 5);
    Tensor in({2, 5, 4}, v), out;
    channel_affine(in, out, scale.data(), shift.data(), Activation::relu);
    std::vector<double> want(v.size());
    for (int i = 0; i < 40; ++i) {
        const int n = i / 20, c = i % 4;
        want[i] = std::max(0.0, static_cast<double>(v[i]) * scale[n * 4 + c] + shift[n * 4 + c]);
    }
    EXPECT_LT(relative_error(out.values(), want), kTolerance);

    std::vector<float> s = v;
    softmax_rows(s.data(), 8, 5);
    for (int r = 0; r < 8; ++r) {
        double total = 0.0;
        for (int c = 0; c < 5; ++c)
            total += std::exp(static_cast<double>(v[r * 5 + c]));
        for (int c = 0; c < 5; ++c)
            want[r * 5 + c] = std::exp(static_cast<double>(v[r * 5 + c])) / total;
    }
    EXPECT_LT(relative_error(s, want), kTolerance);

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

TEST(Elementwise, SoftmaxPrimitiveMatchesLoop) {
    Engine engine(2);
    const auto v = random_values(37 * 300, 8, 5.0f);
    std::vector<float> loop = v, primitive = v;
    softmax_rows(loop.data(), 37, 300);
    softmax_rows(engine, primitive.data(), 37, 300);
    EXPECT_LT(relative_error(primitive, loop), kTolerance);
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
