// core/random is tested here because choreo is what relies on its exact sequence.
#include <gtest/gtest.h>

#include <cmath>

#include "core/random.h"

TEST(Rng, XoshiroMatchesItsDefinition) {
    // First outputs for seed 0, stream 0, computed by tools/choreo_reference.py's Rng (the same
    // algorithm written independently in Python with arbitrary-precision integers).
    bgv::Rng rng(0);
    EXPECT_EQ(rng.next_u64(), 0x99EC5F36CB75F2B4ULL);
    EXPECT_EQ(rng.next_u64(), 0xBF6E1F784956452AULL);
}

TEST(Rng, StreamsAndSeedsDiffer) {
    bgv::Rng a(42, 1), b(42, 2), c(43, 1), d(42, 1);
    const auto x = a.next_u64();
    EXPECT_NE(x, b.next_u64());
    EXPECT_NE(x, c.next_u64());
    EXPECT_EQ(x, d.next_u64());
}

TEST(Rng, TruncatedNormalStaysInBoundsWithUnitishSpread) {
    bgv::Rng rng(1);
    double sum = 0, squares = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        const double x = rng.truncated_normal(2.0);
        ASSERT_LE(std::abs(x), 2.0);
        sum += x;
        squares += x * x;
    }
    // Variance of N(0,1) truncated to [-2, 2] is 0.7737; 20000 draws give a standard error ~0.01.
    EXPECT_NEAR(sum / n, 0.0, 0.03);
    EXPECT_NEAR(squares / n, 0.7737, 0.03);
}

TEST(Rng, BelowIsInRange) {
    bgv::Rng rng(5);
    for (int i = 0; i < 1000; ++i)
        ASSERT_LT(rng.below(7), 7u);
}
