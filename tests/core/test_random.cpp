#include <gtest/gtest.h>

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
