#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "core/random.h"

// Reference values: xoshiro256** seeded by four SplitMix64 steps from 0, computed with an
// independent Python implementation of the published algorithms.
TEST(Random, KnownSequence) {
    bgv::Random r(0);
    EXPECT_EQ(r.next(), 0x99ec5f36cb75f2b4ULL);
    EXPECT_EQ(r.next(), 0xbf6e1f784956452aULL);
    EXPECT_EQ(r.next(), 0x1a5f849d4933e6e0ULL);
    EXPECT_NE(bgv::Random(1).next(), bgv::Random(2).next());
}

// Moments of 200000 draws: standard errors are ~0.002 (mean) and ~0.003 (variance), so 0.01
// is a 3-5 sigma bound.
TEST(Random, TruncatedNormalMoments) {
    bgv::Random r(42);
    std::vector<float> v(200000);
    bgv::fill_truncated_noise(r, 0.5, v);
    double mean = 0.0, var = 0.0;
    for (float x : v) {
        ASSERT_LE(std::abs(x), 1.0f);  // 0.5 · [-2, 2]
        mean += x;
    }
    mean /= v.size();
    for (float x : v)
        var += (x - mean) * (x - mean);
    var /= v.size();
    EXPECT_NEAR(mean, 0.0, 0.01);
    // Variance of a standard normal truncated to [-2, 2] is 0.7737, scaled by 0.5² here.
    EXPECT_NEAR(var, 0.25 * 0.77374, 0.01);
}

TEST(Random, UniformRange) {
    bgv::Random r(7);
    double lo = 1.0, hi = 0.0;
    for (int i = 0; i < 100000; ++i) {
        const double u = r.uniform();
        lo = std::min(lo, u);
        hi = std::max(hi, u);
    }
    EXPECT_GE(lo, 0.0);
    EXPECT_LT(hi, 1.0);
    EXPECT_LT(lo, 1e-3);
    EXPECT_GT(hi, 1.0 - 1e-3);
}

// Streams (choreo draws classes, noise and jitter from separate streams of one seed) and below(n).
TEST(RandomStreams, StreamZeroIsThePlainSeedAndOthersDiffer) {
    bgv::Random plain(42), zero(42, 0), one(42, 1), two(42, 2), other_seed(43, 1);
    EXPECT_EQ(plain.next(), zero.next());
    const auto x = one.next();
    EXPECT_NE(x, two.next());
    EXPECT_NE(x, other_seed.next());
    EXPECT_EQ(x, bgv::Random(42, 1).next());
    // The stream's seed offset as tools/choreo_reference.py's Rng(42, 1) and Rng(42, 2) have it.
    EXPECT_EQ(x, 0x017918c1d008064fULL);
    EXPECT_EQ(one.next(), 0x87d16c49b2d2b6c2ULL);
    EXPECT_EQ(bgv::Random(42, 2).next(), 0x7c811da5e892e33eULL);
}

TEST(RandomStreams, BelowIsInRangeAndRoughlyUniform) {
    bgv::Random random(5);
    std::array<int, 7> counts{};
    const int n = 70000;
    for (int i = 0; i < n; ++i) {
        const auto v = random.below(7);
        ASSERT_LT(v, 7u);
        ++counts[v];
    }
    // Each count is binomial(70000, 1/7): mean 10000, standard deviation 93; 500 is > 5 sigma.
    for (const int c : counts)
        EXPECT_NEAR(c, 10000, 500);
}

TEST(RandomStreams, DrawnSeedsFitInADouble) {
    for (int i = 0; i < 100; ++i)
        EXPECT_LT(bgv::draw_seed(), std::uint64_t{1} << 53);
}
