#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/error.h"
#include "runtime/attention.h"

namespace bgv::runtime {
namespace {

TEST(Attention, MatchesSoftmaxAttentionWithPaddedKeysMasked) {
    const std::int64_t batch = 3, length = 7, heads = 2, d = 5, hidden = heads * d;
    const std::vector<std::int64_t> real = {7, 3, 1};
    std::mt19937 engine(3);
    std::normal_distribution<float> normal;
    std::vector<float> qkv(static_cast<std::size_t>(batch * length * 3 * hidden));
    for (auto& v : qkv)
        v = normal(engine);
    std::vector<float> context(static_cast<std::size_t>(batch * length * hidden), 99.0f);
    masked_multi_head_attention(qkv.data(), context.data(), batch, length, heads, d, real);

    const auto at = [&](std::int64_t b, std::int64_t t, std::int64_t part, std::int64_t head,
                        std::int64_t c) {
        return static_cast<double>(qkv[static_cast<std::size_t>((b * length + t) * 3 * hidden +
                                                                part * hidden + head * d + c)]);
    };
    for (std::int64_t b = 0; b < batch; ++b) {
        for (std::int64_t head = 0; head < heads; ++head) {
            for (std::int64_t q = 0; q < length; ++q) {
                std::vector<double> expected(static_cast<std::size_t>(d), 0.0);
                if (q < real[static_cast<std::size_t>(b)]) {
                    std::vector<double> weights;
                    double sum = 0;
                    for (std::int64_t k = 0; k < real[static_cast<std::size_t>(b)]; ++k) {
                        double dot = 0;
                        for (std::int64_t c = 0; c < d; ++c)
                            dot += at(b, q, 0, head, c) * at(b, k, 1, head, c);
                        weights.push_back(std::exp(dot / std::sqrt(static_cast<double>(d))));
                        sum += weights.back();
                    }
                    for (std::size_t k = 0; k < weights.size(); ++k) {
                        for (std::int64_t c = 0; c < d; ++c)
                            expected[static_cast<std::size_t>(c)] +=
                                weights[k] / sum * at(b, static_cast<std::int64_t>(k), 2, head, c);
                    }
                }
                for (std::int64_t c = 0; c < d; ++c) {
                    const float got =
                        context[static_cast<std::size_t>((b * length + q) * hidden + head * d + c)];
                    // float32 dot products of 5 terms and a 7-way softmax: a few ulps.
                    EXPECT_NEAR(got, expected[static_cast<std::size_t>(c)], 1e-5)
                        << b << " " << head << " " << q << " " << c;
                }
            }
        }
    }
}

// Lengths come from the tokenizer, never from the user: a bad one is a program error.
TEST(AttentionDeathTest, LengthsOutsideThePaddedLengthAreInvariantFailures) {
    std::vector<float> qkv(2 * 3 * 4), context(2 * 4);
    const std::vector<std::int64_t> too_long = {3};
    EXPECT_DEATH(masked_multi_head_attention(qkv.data(), context.data(), 1, 2, 2, 2, too_long),
                 "attention\\.cpp:[0-9]+: internal error: .*3 real tokens in a padded length of 2");
    const std::vector<std::int64_t> empty = {0};
    EXPECT_DEATH(masked_multi_head_attention(qkv.data(), context.data(), 1, 2, 2, 2, empty),
                 "0 real tokens");
}

}  // namespace
}  // namespace bgv::runtime
