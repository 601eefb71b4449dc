// The parts of core/random that choreo adds and relies on: streams and below(n).
#include <gtest/gtest.h>

#include <array>

#include "core/random.h"

TEST(RandomStreams, StreamZeroIsThePlainSeedAndOthersDiffer) {
    bgv::Random plain(42), zero(42, 0), one(42, 1), two(42, 2), other_seed(43, 1);
    EXPECT_EQ(plain.next(), zero.next());
    const auto x = one.next();
    EXPECT_NE(x, two.next());
    EXPECT_NE(x, other_seed.next());
    EXPECT_EQ(x, bgv::Random(42, 1).next());
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
