#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "resample/soxr_hq.h"

namespace bgv::resample {
namespace {

std::vector<float> sine(double frequency, int rate, std::size_t length, double amplitude) {
    std::vector<float> samples(length);
    for (std::size_t i = 0; i < length; ++i)
        samples[i] = static_cast<float>(
            amplitude * std::sin(2 * std::numbers::pi * frequency * static_cast<double>(i) / rate));
    return samples;
}

TEST(Resample, LengthIsCeilOfTheRatioLikeLibrosa) {
    const int rates[][2] = {{48000, 22050}, {44100, 22050}, {22050, 44100}, {8000, 22050},
                            {96000, 22050}, {11025, 22050}, {32000, 22050}};
    for (const auto& [from, to] : rates) {
        for (const std::size_t n : {1u, 2u, 3u, 999u, 1000u, 1001u, 48001u, 100003u}) {
            SCOPED_TRACE(testing::Message() << from << "->" << to << " n=" << n);
            const std::vector<float> input(n, 0.1f);
            const std::int64_t expected =
                (static_cast<std::int64_t>(n) * to + from - 1) / from;  // exact integer ceil
            EXPECT_EQ(resampled_length(static_cast<std::int64_t>(n), from, to), expected);
            EXPECT_EQ(static_cast<std::int64_t>(resample(input, from, to).size()), expected);
        }
    }
}

TEST(Resample, EqualRatesAndEmptyInput) {
    const std::vector<float> input = {0.5f, -0.25f, 1.0f};
    EXPECT_EQ(resample(input, 22050, 22050), input);
    EXPECT_TRUE(resample(std::vector<float>{}, 48000, 22050).empty());
}

TEST(Resample, SinesInThePassbandKeepPhaseAndAmplitude) {
    // soxr HQ is linear phase with its delay removed, and 20-bit precise: a sine well inside the
    // passband comes out as the same sine sampled at the new rate. 2e-4 of full scale leaves
    // room for the passband ripple (HQ: a few thousandths of a dB) and nothing else.
    for (const auto& [from, frequency] : {std::pair{48000, 440.0}, std::pair{44100, 3000.0},
                                          std::pair{16000, 1234.5}, std::pair{22050, 8000.0}}) {
        SCOPED_TRACE(from);
        const int to = from == 22050 ? 44100 : 22050;
        const auto input = sine(frequency, from, static_cast<std::size_t>(from), 0.5);
        const auto output = resample(input, from, to);
        const auto expected = sine(frequency, to, output.size(), 0.5);
        double worst = 0;
        for (std::size_t i = 2000; i + 2000 < output.size(); ++i)
            worst = std::max(worst, std::abs(double(output[i]) - expected[i]));
        EXPECT_LT(worst, 2e-4);
    }
}

TEST(Resample, AboveTheNewNyquistIsRemoved) {
    // 15 kHz cannot exist at 22050 Hz; HQ's stop band is over 100 dB down.
    const auto input = sine(15000.0, 48000, 48000, 0.5);
    const auto output = resample(input, 48000, 22050);
    double worst = 0;
    for (std::size_t i = 2000; i + 2000 < output.size(); ++i)
        worst = std::max(worst, std::abs(double(output[i])));
    EXPECT_LT(worst, 1e-4);
}

// Deterministic noise in [-0.5, 0.5): every sample counts, so any difference shows.
std::vector<float> noise(std::size_t length, unsigned seed) {
    std::vector<float> samples(length);
    unsigned state = seed;
    for (auto& v : samples) {
        state = state * 1664525U + 1013904223U;
        v = static_cast<float>(state >> 8) / 16777216.0f - 0.5f;
    }
    return samples;
}

TEST(StreamResampler, AnyCutOfTheInputGivesTheWholeResampleBitForBit) {
    // libsoxr queues its input, so the audio module may push each decoded packet as it comes.
    const auto input = noise(250007, 3);
    const std::vector<std::vector<std::size_t>> cuts = {{1}, {4096}, {1152, 17, 333}, {250007}};
    for (const auto& [from, to] :
         {std::pair{44100, 22050}, std::pair{48000, 22050}, std::pair{8000, 22050}, std::pair{2, 1},
          std::pair{22050, 22050}}) {
        const auto whole = resample(input, from, to);
        for (const auto& cut : cuts) {
            SCOPED_TRACE(testing::Message() << from << "->" << to << " cut " << cut[0]);
            StreamResampler stream(from, to);
            std::vector<float> out = {7.0f};  // what was there before is kept
            std::size_t at = 0;
            for (std::size_t i = 0; at < input.size(); ++i) {
                const std::size_t n = std::min(cut[i % cut.size()], input.size() - at);
                stream.push(std::span<const float>(input).subspan(at, n), out);
                at += n;
            }
            // produced(): what was appended so far (the live blocks' sample indices).
            EXPECT_EQ(stream.produced(), static_cast<std::int64_t>(out.size()) - 1);
            stream.finish(out, 1);
            EXPECT_EQ(stream.pushed(), static_cast<std::int64_t>(input.size()));
            ASSERT_EQ(out.size(), whole.size() + 1);
            EXPECT_EQ(out[0], 7.0f);
            EXPECT_TRUE(std::equal(whole.begin(), whole.end(), out.begin() + 1));
        }
    }
}

TEST(Resample, BadRatesAreErrors) {
    const std::vector<float> input(10, 0.0f);
    EXPECT_THROW(resample(input, 0, 22050), std::exception);
    EXPECT_THROW(resample(input, 44100, -1), std::exception);
}

}  // namespace
}  // namespace bgv::resample
