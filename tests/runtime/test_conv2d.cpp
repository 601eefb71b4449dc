#include <gtest/gtest.h>

#include "core/error.h"
#include "naive.h"
#include "runtime/conv2d.h"
#include "runtime/narrow_conv.h"
#include "runtime/upsampled_conv.h"

using namespace bgv::runtime;
using bgv::test::naive_conv;
using bgv::test::random_values;
using bgv::test::relative_error;

namespace {
// Float32 accumulation over at most 9·64 products of values in [-1, 1]: rounding error grows
// like sqrt(terms)·2^-24, far below 1e-5 relative L2.
constexpr double kTolerance = 1e-5;

struct Case {
    int n, h, w, ci, co, k;
};

void check(const Case& c, bool with_affine, bool accumulate, Activation activation,
           std::int64_t per_sample_min_pixels) {
    Engine engine(2);
    Conv2d::set_per_sample_min_pixels(per_sample_min_pixels);
    const int pad = c.k / 2;
    const auto in = random_values(static_cast<std::size_t>(c.n) * c.h * c.w * c.ci, 1);
    const auto wt = random_values(static_cast<std::size_t>(c.co) * c.ci * c.k * c.k, 2);
    const auto bias = random_values(c.co, 3);
    const auto scale = random_values(static_cast<std::size_t>(c.n) * c.co, 4, 2.0f);
    const auto shift = random_values(static_cast<std::size_t>(c.n) * c.co, 5);
    const auto previous = random_values(static_cast<std::size_t>(c.n) * c.h * c.w * c.co, 6);

    auto want = naive_conv(in, wt, bias, c.n, c.h, c.w, c.ci, c.co, c.k, pad);
    for (std::size_t i = 0; i < want.size(); ++i) {
        const std::size_t sample = i / (static_cast<std::size_t>(c.h) * c.w * c.co);
        const std::size_t channel = i % c.co;
        double v = want[i];
        if (accumulate)
            v += previous[i];
        if (with_affine)
            v = v * scale[sample * c.co + channel] + shift[sample * c.co + channel];
        if (activation == Activation::relu)
            v = std::max(v, 0.0);
        if (activation == Activation::tanh)
            v = std::tanh(v);
        want[i] = v;
    }

    Conv2d conv(engine, wt, bias, c.co, c.ci, c.k, pad);
    Tensor x({c.n, c.h, c.w, c.ci}, in);
    Tensor y;
    if (accumulate)
        y = Tensor({c.n, c.h, c.w, c.co}, previous);
    ConvEpilogue epilogue{.accumulate = accumulate, .activation = activation};
    if (with_affine) {
        epilogue.scale = scale.data();
        epilogue.shift = shift.data();
    }
    for (int repeat = 0; repeat < 2; ++repeat) {  // the second run reuses the cached primitive
        if (accumulate)
            y = Tensor({c.n, c.h, c.w, c.co}, previous);
        conv.run(x, y, epilogue);
        ASSERT_EQ(y.shape(), (std::vector<std::int64_t>{c.n, c.h, c.w, c.co}));
        EXPECT_LT(relative_error(y.values(), want), kTolerance);
    }
    Conv2d::set_per_sample_min_pixels(256);
}
}  // namespace

TEST(Conv2d, Conv3x3MatchesNaiveLoops) {
    check({2, 7, 5, 16, 24, 3}, false, false, Activation::none, 256);
}
TEST(Conv2d, Conv1x1MatchesNaiveLoops) {
    check({3, 4, 6, 32, 8, 1}, false, false, Activation::relu, 256);
}
TEST(Conv2d, AffinePerSampleFused) {
    check({3, 8, 8, 16, 16, 3}, true, false, Activation::relu, 1);
}
TEST(Conv2d, AffineSeparatePass) {
    check({3, 8, 8, 16, 16, 3}, true, false, Activation::relu, 1 << 30);
}
TEST(Conv2d, AffineBatchOne) {
    check({1, 8, 8, 16, 16, 3}, true, false, Activation::none, 1 << 30);
}
TEST(Conv2d, AccumulateResidual) {
    check({2, 5, 5, 8, 16, 1}, false, true, Activation::none, 256);
}
TEST(Conv2d, AccumulateThenAffine) {
    check({2, 5, 5, 8, 16, 1}, true, true, Activation::relu, 1);
}
TEST(Conv2d, ThreeOutputChannelsTanh) {
    check({2, 9, 9, 8, 3, 3}, false, false, Activation::tanh, 256);
}

// The model's loader checks every shape against the checkpoint, so a wrong input here is a
// program error: it stops naming the file and line.
TEST(Conv2dDeathTest, WrongInputIsAnInvariantFailure) {
    const auto run_wrong_input = [] {
        Engine engine(1);
        const auto wt = random_values(4 * 3 * 9, 1);
        Conv2d conv(engine, wt, {}, 4, 3, 3, 1);
        Tensor x({1, 4, 4, 5});
        Tensor y;
        conv.run(x, y);
    };
    EXPECT_DEATH(run_wrong_input(),
                 "conv2d\\.cpp:[0-9]+: internal error: .*conv2d: input \\(1, 4, 4, 5\\) is not "
                 "\\(N, H, W, 3\\)");
}

// conv3x3(upsample2x(x)) through the four 2×2 phase kernels against the naive upsample-then-
// convolve: the phase weights are sums of up to four 3×3 weights, so only float32 rounding of
// sums of ≤ 4·16 products differs (relative L2 well below 1e-5).
TEST(UpsampledConv3x3, MatchesUpsampleThenConv) {
    Engine engine(2);
    const int n = 2, h = 5, w = 6, ci = 16, co = 8;
    const auto in = random_values(static_cast<std::size_t>(n) * h * w * ci, 11);
    const auto wt = random_values(static_cast<std::size_t>(co) * ci * 9, 12);
    const auto bias = random_values(co, 13);
    const auto scale = random_values(static_cast<std::size_t>(n) * co, 14, 2.0f);
    const auto shift = random_values(static_cast<std::size_t>(n) * co, 15);
    std::vector<float> up(static_cast<std::size_t>(n) * 4 * h * w * ci);
    for (int i = 0; i < n; ++i)
        for (int y = 0; y < 2 * h; ++y)
            for (int x = 0; x < 2 * w; ++x)
                for (int c = 0; c < ci; ++c)
                    up[((static_cast<std::size_t>(i) * 2 * h + y) * 2 * w + x) * ci + c] =
                        in[((static_cast<std::size_t>(i) * h + y / 2) * w + x / 2) * ci + c];
    auto want = naive_conv(up, wt, bias, n, 2 * h, 2 * w, ci, co, 3, 1);
    for (std::size_t k = 0; k < want.size(); ++k) {
        const std::size_t i = k / (static_cast<std::size_t>(4) * h * w * co), c = k % co;
        want[k] = std::max(0.0, want[k] * scale[i * co + c] + shift[i * co + c]);
    }
    UpsampledConv3x3 conv(engine, wt, bias, co, ci);
    Tensor x({n, h, w, ci}, in), y;
    conv.run(x, y, scale.data(), shift.data(), Activation::relu);
    ASSERT_EQ(y.shape(), (std::vector<std::int64_t>{n, 2 * h, 2 * w, co}));
    EXPECT_LT(relative_error(y.values(), want), kTolerance);
}

// The narrow conv (3 outputs, NCHW out) against naive loops, with input channel counts that
// exercise the two-pixel, 16-lane and remainder loops. Float32 sums of 9·40 products: 1e-5.
TEST(NarrowConv3x3, MatchesNaiveLoops) {
    for (int ci : {40, 32}) {
        const int n = 2, h = 7, w = 9, co = 3;
        const auto in = random_values(static_cast<std::size_t>(n) * h * w * ci, 21);
        const auto wt = random_values(static_cast<std::size_t>(co) * ci * 9, 22);
        const auto bias = random_values(co, 23);
        const auto want_nhwc = naive_conv(in, wt, bias, n, h, w, ci, co, 3, 1);
        std::vector<double> want(want_nhwc.size());
        for (int i = 0; i < n; ++i)
            for (int p = 0; p < h * w; ++p)
                for (int o = 0; o < co; ++o)
                    want[(static_cast<std::size_t>(i) * co + o) * h * w + p] =
                        want_nhwc[(static_cast<std::size_t>(i) * h * w + p) * co + o];
        NarrowConv3x3 conv(wt, bias, co, ci);
        Tensor x({n, h, w, ci}, in);
        std::vector<float> out(want.size());
        conv.run(x, out);
        EXPECT_LT(relative_error(out, want), kTolerance) << ci << " input channels";
    }
}
