// The pieces of the rhythm analysis on inputs whose answers are known by construction: running
// medians against a sort, the inverse STFT against its forward, RMS of constants, tempo and beats
// of a click track, onset peaks, PLP's range, and independence from the thread count.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "core/error.h"
#include "features/beat.h"
#include "features/hpss.h"
#include "features/istft.h"
#include "features/median_filter.h"
#include "features/onset.h"
#include "features/plp.h"
#include "features/rhythm.h"
#include "features/rms.h"
#include "features/stft.h"

namespace bgv::features {
namespace {

// Deterministic values in [0, 1) with repeats (so that ties are exercised).
std::vector<float> pseudo_random(std::size_t n, unsigned seed) {
    std::vector<float> values(n);
    unsigned state = seed;
    for (auto& v : values) {
        state = state * 1664525U + 1013904223U;
        v = static_cast<float>((state >> 8) % 997) / 997.0F;
    }
    return values;
}

// A click every `period` samples: a decaying 1 kHz burst of 20 ms.
std::vector<float> click_track(double seconds, double bpm) {
    const auto n = static_cast<std::size_t>(seconds * kSampleRate);
    const auto period = static_cast<std::size_t>(std::lround(60.0 / bpm * kSampleRate));
    std::vector<float> samples(n, 0.0F);
    for (std::size_t start = period / 2; start < n; start += period) {
        for (std::size_t i = 0; i < 441 && start + i < n; ++i) {
            const double t = static_cast<double>(i) / kSampleRate;
            samples[start + i] = static_cast<float>(0.8 * std::exp(-t / 0.004) *
                                                    std::sin(2 * std::numbers::pi * 1000 * t));
        }
    }
    return samples;
}

TEST(MedianFilter, EqualsTheMedianOfTheReflectedWindow) {
    // Rows of 1, 5, 31 and 200 values: shorter than the window (reflected several times), as long
    // as it, and longer.
    for (const std::int64_t columns : {1, 5, 31, 200}) {
        const std::int64_t rows = 3;
        const auto in = pseudo_random(static_cast<std::size_t>(rows * columns), 7);
        std::vector<float> out(in.size());
        median_filter_rows(in, rows, columns, 31, out, 2);
        for (std::int64_t r = 0; r < rows; ++r) {
            for (std::int64_t c = 0; c < columns; ++c) {
                std::vector<float> window;
                for (std::int64_t j = c - 15; j <= c + 15; ++j) {
                    // d c b a | a b c d | d c b a, repeated.
                    std::int64_t m = ((j % (2 * columns)) + 2 * columns) % (2 * columns);
                    m = m < columns ? m : 2 * columns - 1 - m;
                    window.push_back(in[static_cast<std::size_t>(r * columns + m)]);
                }
                std::nth_element(window.begin(), window.begin() + 15, window.end());
                ASSERT_EQ(out[static_cast<std::size_t>(r * columns + c)], window[15])
                    << "columns " << columns << " row " << r << " column " << c;
            }
        }
    }
    std::vector<float> out(4);
    EXPECT_THROW(median_filter_rows(std::vector<float>(4), 2, 2, 4, out, 1), Error);
}

TEST(Istft, InvertsTheStft) {
    // A Hann window at hop n_fft / 4 overlap-adds to a constant: the round trip is exact up to
    // float32 rounding, at both ends too.
    const auto signal = pseudo_random(5000, 3);
    const auto stft = stft_matrix(signal, 2048, 512, 2);
    const auto back = istft(stft, static_cast<std::int64_t>(signal.size()), 2);
    ASSERT_EQ(back.size(), signal.size());
    double worst = 0;
    for (std::size_t i = 0; i < signal.size(); ++i) {
        worst = std::max(worst, std::abs(static_cast<double>(back[i]) - signal[i]));
    }
    EXPECT_LT(worst, 1e-5);
    // Cut short or padded with zeros where no frame reaches.
    EXPECT_EQ(istft(stft, 100, 1).size(), 100U);
    const auto longer = istft(stft, 8000, 1);
    EXPECT_EQ(longer.back(), 0.0F);
}

TEST(Rms, OfAConstantAndAtTheEdges) {
    const std::vector<float> ones(10000, 0.5F);
    const auto values = rms(ones, 512);
    ASSERT_EQ(values.size(), 1U + 10000 / 512);
    EXPECT_NEAR(values[5], 0.5, 1e-7);  // the whole 2048-sample frame inside the signal
    // Frame 0 is centred on sample 0: half of its 2048 samples are padding zeros.
    EXPECT_NEAR(values[0], 0.5 * std::sqrt(0.5), 1e-7);
    EXPECT_THROW(rms(ones, 0), Error);
}

TEST(Onset, PythonFloorDivision) {
    EXPECT_EQ(python_floor_divide(0.03 * 22050, 512), 1.0);
    EXPECT_EQ(python_floor_divide(0.1 * 22050, 735), 3.0);
    EXPECT_EQ(python_floor_divide(0.03 * 22050, 735), 0.0);
    EXPECT_EQ(python_floor_divide(-1.0, 4.0), -1.0);
}

TEST(Onset, PeaksOfAnIsolatedBumpAndNoneOfAConstant) {
    std::vector<float> envelope(100, 0.0F);
    envelope[40] = 1.0F;
    envelope[70] = 0.5F;
    EXPECT_EQ(onset_detect(envelope, 22050, 512), (std::vector<std::int64_t>{40, 70}));
    EXPECT_TRUE(onset_detect(std::vector<float>(100, 3.0F), 22050, 512).empty());
    EXPECT_TRUE(onset_detect({}, 22050, 512).empty());
}

TEST(Beat, ClickTrackAt120BpmGivesItsTempoAndClicks) {
    const auto samples = click_track(12, 120);
    const auto envelope = onset_strength(samples, kSampleRate, 512, 2);
    const auto track = beat_track(envelope, kSampleRate, 512);
    // The tempogram's lag of 22 frames (117.45 BPM) is the one nearest 0.5 s at hop 512.
    EXPECT_NEAR(track.tempo, 60.0 * 22050 / (512 * 22), 1e-9);
    ASSERT_GE(track.beats.size(), 20U);
    // Each beat within a frame of a click (clicks at 0.25 s + k · 0.5 s).
    for (const std::int64_t beat : track.beats) {
        const double seconds = static_cast<double>(beat) * 512 / 22050;
        const double phase = std::fmod(seconds, 0.5) - 0.25;  // 0 on a click
        EXPECT_LE(std::abs(phase), 512.0 / 22050 + 0.01) << beat;
    }
    EXPECT_EQ(beat_track(std::vector<float>(50, 0.0F), 22050, 512).tempo, 0.0);
}

TEST(Plp, PulseOfAClickTrackIsInZeroToOneAndPeaksNearTheClicks) {
    const auto samples = click_track(12, 120);
    const auto envelope = onset_strength(samples, kSampleRate, 512, 2);
    const auto pulse = plp(envelope, kSampleRate, 512, 2);
    ASSERT_EQ(pulse.size(), envelope.size());
    EXPECT_EQ(*std::max_element(pulse.begin(), pulse.end()), 1.0F);
    EXPECT_GE(*std::min_element(pulse.begin(), pulse.end()), 0.0F);
    // The strongest pulse of each half second sits on an onset peak of the envelope (±1 frame).
    for (std::size_t start = 50; start + 22 < pulse.size() - 50; start += 22) {
        const auto peak = std::max_element(pulse.begin() + static_cast<std::ptrdiff_t>(start),
                                           pulse.begin() + static_cast<std::ptrdiff_t>(start + 22));
        const auto at = static_cast<std::size_t>(peak - pulse.begin());
        const float around = std::max({envelope[at - 1], envelope[at], envelope[at + 1]});
        EXPECT_GT(around, 0.5F * *std::max_element(envelope.begin(), envelope.end())) << at;
    }
    EXPECT_EQ(plp(std::vector<float>(80, 0.0F), 22050, 512, 1), std::vector<float>(80, 0.0F));
}

TEST(Rhythm, SameResultOnOneThreadOrMany) {
    const auto samples = click_track(3, 100);
    const auto one = hpss_signals(samples, 1);
    const auto many = hpss_signals(samples, 3);
    EXPECT_EQ(one.harmonic, many.harmonic);
    EXPECT_EQ(one.percussive, many.percussive);
}

TEST(Rhythm, CurvesHaveOneValuePerFrameAndBadInputIsAnError) {
    const auto samples = click_track(2, 120);
    const Rhythm rhythm = compute_rhythm(samples, 735);
    EXPECT_EQ(rhythm.frames, 1 + static_cast<std::int64_t>(samples.size()) / 735);
    for (const auto* curve : {&rhythm.onset_env, &rhythm.onset_env_percussive, &rhythm.plp,
                              &rhythm.rms, &rhythm.rms_h, &rhythm.rms_p}) {
        EXPECT_EQ(static_cast<std::int64_t>(curve->size()), rhythm.frames);
    }
    EXPECT_EQ(static_cast<std::int64_t>(rhythm.chroma_h.size()), 12 * rhythm.frames);
    EXPECT_THROW(compute_rhythm({}, 512), Error);
    EXPECT_THROW(compute_rhythm(samples, 0), Error);
}

}  // namespace
}  // namespace bgv::features
