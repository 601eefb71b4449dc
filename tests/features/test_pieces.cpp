// The pieces of features/ on inputs whose answers are known by construction: framing, windows,
// filter banks, tuning, resampling, the constant-Q peak, chroma folding, power and gradient, and
// independence from the thread count.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <thread>

#include "core/error.h"
#include "features/chroma.h"
#include "features/cqt.h"
#include "features/features.h"
#include "features/mel.h"
#include "features/octave_resample.h"
#include "features/power.h"
#include "features/stft.h"
#include "features/tuning.h"

namespace bgv::features {
namespace {

std::vector<float> sine(double hz, double seconds, double amplitude = 0.5, int rate = 22050) {
    std::vector<float> samples(static_cast<std::size_t>(seconds * rate));
    for (std::size_t i = 0; i < samples.size(); ++i) {
        samples[i] = static_cast<float>(
            amplitude * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / rate));
    }
    return samples;
}

TEST(Stft, CentredFrameCount) {
    EXPECT_EQ(stft_frame_count(6615, 512), 13);
    EXPECT_EQ(stft_frame_count(176400, 256), 690);
    EXPECT_EQ(stft_frame_count(1, 512), 1);
}

TEST(Stft, PeriodicHannIsZeroAtTheStartAndOneInTheMiddle) {
    const auto w = periodic_hann(2048);
    EXPECT_DOUBLE_EQ(w[0], 0.0);
    EXPECT_DOUBLE_EQ(w[1024], 1.0);
    for (int i = 1; i < 2048; ++i) {
        EXPECT_NEAR(w[static_cast<std::size_t>(i)], w[static_cast<std::size_t>(2048 - i)], 1e-15);
    }
}

TEST(Mel, SlaneyBandsHaveUnitAreaInHz) {
    const auto bank = mel_filter_bank(22050, 2048, 128, 0, 8000);
    ASSERT_EQ(bank.size(), 128U);
    const double bin_hz = 22050.0 / 2048;
    for (std::size_t band = 0; band < bank.size(); ++band) {
        ASSERT_FALSE(bank[band].weights.empty()) << band;
        double area = 0;
        for (const float w : bank[band].weights) {
            area += w * bin_hz;
        }
        // A triangle of height 2 / width has area 1; sampling on bins 10.8 Hz apart blurs the
        // narrow low bands (47 Hz wide) by up to about 10%.
        EXPECT_NEAR(area, 1.0, band < 10 ? 0.15 : 0.05) << band;
    }
    // Band edges rise with the band index and stop below 8 kHz.
    const auto& top = bank.back();
    EXPECT_LE((top.first_bin + static_cast<int>(top.weights.size()) - 1) * bin_hz, 8000.0);
}

TEST(Mel, ToneLandsInTheBandAroundIt) {
    const auto samples = sine(1000, 1.0);
    const auto mel = mel_spectrogram(samples, 22050, 512, 2);
    const std::int64_t t = mel.frames / 2;
    int loudest = 0;
    for (int band = 1; band < mel.n_mels; ++band) {
        if (mel.power[static_cast<std::size_t>(band * mel.frames + t)] >
            mel.power[static_cast<std::size_t>(loudest * mel.frames + t)]) {
            loudest = band;
        }
    }
    // Slaney mel of 1 kHz is 15; bands are spaced (mel(8 kHz) - 0) / 129 = 0.35 mel apart.
    const double expected = 15.0 / (15.0 + std::log(8.0) / (std::log(6.4) / 27.0)) * 129 - 1;
    EXPECT_NEAR(loudest, expected, 1.0);
}

TEST(Tuning, HistogramPeakOfResiduals) {
    // Notes of a 36-per-octave scale from A440, all detuned by +0.235 and -0.305 of a bin.
    std::vector<float> sharp;
    std::vector<float> flat;
    for (int step : {0, 7, 14, 36, 50}) {
        sharp.push_back(static_cast<float>(440.0 * std::pow(2.0, (step + 0.235) / 36)));
        flat.push_back(static_cast<float>(440.0 * std::pow(2.0, (step - 0.305) / 36)));
    }
    EXPECT_NEAR(pitch_tuning(sharp, 0.01, 36), 0.23, 1e-9);
    EXPECT_NEAR(pitch_tuning(flat, 0.01, 36), -0.31, 1e-9);
    EXPECT_EQ(pitch_tuning(std::vector<float>{}, 0.01, 36), 0.0);
}

TEST(Tuning, ToneOnAnFftBinIsFoundWithoutInterpolationBias) {
    // 41 · 22050 / 2048 Hz sits on an FFT bin, so piptrack needs no parabolic shift: 36 ·
    // log2(441.43 / 27.5) = 144.1686, a residual in [0.16, 0.17).
    const auto samples = sine(41 * 22050.0 / 2048, 2.0);
    EXPECT_NEAR(estimate_tuning(samples, 22050, 36, 2), 0.16, 1e-9);
    const std::vector<float> silence(22050, 0.0F);
    EXPECT_EQ(estimate_tuning(silence, 22050, 36, 2), 0.0);
}

double rms(std::span<const float> x) {
    double sum = 0;
    for (const float v : x) {
        sum += static_cast<double>(v) * v;
    }
    return std::sqrt(sum / static_cast<double>(x.size()));
}

TEST(OctaveResample, HalvesTheLengthAndScalesBySqrtTwo) {
    const auto samples = sine(1000, 1.0);
    std::vector<float> odd(samples.begin(), samples.end() - 1);  // 22049 samples
    const auto half = downsample_soxr_hq(odd, 2);
    EXPECT_EQ(half.size(), 11025U);
    const auto quarter = downsample_soxr_hq(samples, 4);
    EXPECT_EQ(quarter.size(), 5513U);
    // scale=True keeps the energy per filter: amplitude × sqrt(factor) for an in-band tone.
    const double in = rms(std::span<const float>(samples).subspan(2000, 18000));
    EXPECT_NEAR(rms(std::span<const float>(half).subspan(1000, 9000)) / in, std::sqrt(2.0), 1e-3);
    EXPECT_NEAR(rms(std::span<const float>(quarter).subspan(500, 4500)) / in, 2.0, 1e-3);
}

TEST(Cqt, ToneLandsOnItsBin) {
    // A440 is 3.75 octaves above C1: bin 36 · 3.75 = 135 at 36 bins per octave.
    const auto samples = sine(440, 2.0);
    CqtSpec spec;
    spec.n_bins = 252;
    spec.bins_per_octave = 36;
    const auto cqt = cqt_magnitude(samples, 22050, 512, spec, 2);
    ASSERT_EQ(cqt.frames, stft_frame_count(static_cast<std::int64_t>(samples.size()), 512));
    const std::int64_t t = cqt.frames / 2;
    int loudest = 0;
    for (int bin = 1; bin < cqt.n_bins; ++bin) {
        if (cqt.magnitude[static_cast<std::size_t>(bin * cqt.frames + t)] >
            cqt.magnitude[static_cast<std::size_t>(loudest * cqt.frames + t)]) {
            loudest = bin;
        }
    }
    EXPECT_EQ(loudest, 135);
}

TEST(Chroma, BinsFoldToTheirPitchClass) {
    // cq_to_chroma with 3 bins per class centred on the class: bins 35, 0, 1 of an octave are C.
    const std::vector<std::pair<int, int>> bin_to_class = {
        {0, 0}, {1, 0}, {2, 1}, {35, 0}, {36, 0}, {71, 0}, {135, 9}, {251, 0}, {100, 9}, {106, 11}};
    for (const auto& [bin, pitch_class] : bin_to_class) {
        CqtMagnitude cqt;
        cqt.n_bins = 252;
        cqt.frames = 2;
        cqt.magnitude.assign(252 * 2, 0.0F);
        cqt.magnitude[static_cast<std::size_t>(bin * 2)] = 0.25F;
        const auto chroma = chroma_from_cqt(cqt, 36);
        for (int c = 0; c < 12; ++c) {
            EXPECT_EQ(chroma.chroma[static_cast<std::size_t>(c * 2)],
                      c == pitch_class ? 1.0F : 0.0F)
                << "bin " << bin << " class " << c;
            EXPECT_EQ(chroma.chroma[static_cast<std::size_t>(c * 2 + 1)], 0.0F);  // silent frame
        }
    }
}

TEST(Chroma, OrderOfSilenceIsReversedPitchClasses) {
    Chromagram silent;
    silent.frames = 3;
    silent.chroma.assign(36, 0.0F);
    const std::array<int, 12> expected = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
    EXPECT_EQ(chroma_order(silent), expected);
}

TEST(Power, MeanScaledAndClippedGradient) {
    const std::vector<float> mel = {1, 2, 4, 3,   // band 0
                                    3, 4, 6, 5};  // band 1: mean = [2, 3, 5, 4]
    const auto power = power_and_gradient(mel, 2, 4);
    const std::vector<float> spec = {0.0F, 1.0F / 3, 1.0F, 2.0F / 3};
    // gradient [1, 1.5, 0.5, -1] / 1.5, clipped at 0.
    const std::vector<float> grad = {2.0F / 3, 1.0F, 1.0F / 3, 0.0F};
    for (std::size_t t = 0; t < 4; ++t) {
        EXPECT_FLOAT_EQ(power.spec_mean[t], spec[t]);
        EXPECT_FLOAT_EQ(power.grad_mean[t], grad[t]);
    }
}

TEST(Power, SilenceAndSingleFramesAreZeroNotNan) {
    const std::vector<float> silent(128 * 5, 0.0F);
    const auto power = power_and_gradient(silent, 128, 5);
    for (std::size_t t = 0; t < 5; ++t) {
        EXPECT_EQ(power.spec_mean[t], 0.0F);
        EXPECT_EQ(power.grad_mean[t], 0.0F);
    }
    const std::vector<float> one(128, 1.0F);
    const auto single = power_and_gradient(one, 128, 1);
    EXPECT_EQ(single.spec_mean[0], 0.0F);
    EXPECT_EQ(single.grad_mean[0], 0.0F);
}

TEST(Threads, ResultsDoNotDependOnTheThreadCount) {
    auto samples = sine(330, 1.5);
    const auto more = sine(523.25, 1.5, 0.2);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        samples[i] += more[i];
    }
    EXPECT_EQ(mel_spectrogram(samples, 22050, 512, 1).power,
              mel_spectrogram(samples, 22050, 512, 3).power);
    const double tuning = estimate_tuning(samples, 22050, 36, 1);
    EXPECT_EQ(tuning, estimate_tuning(samples, 22050, 36, 3));
    EXPECT_EQ(chroma_cqt(samples, 22050, 256, tuning, 1).chroma,
              chroma_cqt(samples, 22050, 256, tuning, 3).chroma);
}

TEST(Features, RejectsEmptyAudioAndBadHops) {
    const std::vector<float> none;
    EXPECT_THROW(compute_features(none, 22050, 512), Error);
    const auto samples = sine(440, 0.5);
    EXPECT_THROW(compute_features(samples, 22050, 0), Error);
}

TEST(Features, TinyInputsGiveValidFeatures) {
    for (const std::size_t n : {1U, 2U, 63U, 100U, 2047U}) {
        const auto samples = sine(440, static_cast<double>(n) / 22050);
        const auto features = compute_features(samples, 22050, 512);
        EXPECT_EQ(features.frames, 1 + static_cast<std::int64_t>(n) / 512) << n;
        for (const auto* values :
             {&features.mel, &features.chroma, &features.spec_mean, &features.grad_mean}) {
            for (const float v : *values) {
                ASSERT_TRUE(std::isfinite(v)) << n;
            }
        }
    }
}

TEST(Features, OddHopKeepsFramesConsistent) {
    // A hop that does not divide by 2^6 stops the octave halving early (librosa's rule); the
    // features still cover 1 + len / hop frames.
    const auto samples = sine(440, 1.0);
    const auto features = compute_features(samples, 22050, 500);
    EXPECT_EQ(features.frames, 1 + static_cast<std::int64_t>(samples.size()) / 500);
    EXPECT_EQ(features.chromasort[0], 9);  // A
}

TEST(Features, HigherRatesDownsampleEarly) {
    // At 44.1 kHz librosa first halves the signal (the top filters reach 4.2 kHz, far below
    // Nyquist); the tone must still land on A and the frame count follow the hop.
    const auto samples = sine(440, 1.0, 0.5, 44100);
    const auto features = compute_features(samples, 44100, 1024);
    EXPECT_EQ(features.frames, 1 + static_cast<std::int64_t>(samples.size()) / 1024);
    EXPECT_EQ(features.chromasort[0], 9);
    const auto& chroma = features.chroma;
    const std::int64_t t = features.frames / 2;
    EXPECT_EQ(chroma[static_cast<std::size_t>(9 * features.frames + t)], 1.0F);
}

TEST(Features, TheProgramsThreadLimitHoldsAndChangesNoValue) {
    // --threads reaches the feature passes through limit_feature_threads; the features are the
    // same bits on one thread as on all (each frame is computed by one worker, whichever).
    std::vector<float> samples = sine(440, 2.0);
    const auto fifth = sine(659.25, 2.0, 0.3);
    for (std::size_t i = 0; i < samples.size(); ++i)
        samples[i] += fifth[i] * static_cast<float>(i) / static_cast<float>(samples.size());
    const int all = feature_threads();
    EXPECT_EQ(all, std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 8));
    const auto many = compute_features(samples, 22050, 512);
    limit_feature_threads(1);
    EXPECT_EQ(feature_threads(), 1);
    const auto one = compute_features(samples, 22050, 512);
    limit_feature_threads(0);
    EXPECT_EQ(feature_threads(), all);
    EXPECT_EQ(one.mel, many.mel);
    EXPECT_EQ(one.chroma, many.chroma);
    EXPECT_EQ(one.spec_mean, many.spec_mean);
    EXPECT_EQ(one.grad_mean, many.grad_mean);
    EXPECT_EQ(one.chromasort, many.chromasort);
    EXPECT_EQ(one.tuning, many.tuning);
}

}  // namespace
}  // namespace bgv::features
