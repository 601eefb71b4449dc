#include "features/features.h"

#include <algorithm>
#include <optional>

#include "core/error.h"
#include "features/chroma.h"
#include "features/mel.h"
#include "features/power.h"
#include "features/stft.h"
#include "features/tuning.h"

namespace bgv::features {

namespace {

// The mel pass: every frame's mel power (kept when asked) and its mean over bands; the tuning
// estimate's peaks from the same spectra when its STFT is this one.
struct MelPass {
    std::vector<float> mel;     // 128 × frames when kept
    std::vector<double> means;  // per frame
    std::optional<double> tuning;
};

MelPass mel_pass(std::span<const float> samples, int sample_rate, int hop, bool keep_mel,
                 int threads) {
    MelPass pass;
    const std::int64_t frames = stft_frame_count(static_cast<std::int64_t>(samples.size()), hop);
    if (keep_mel) {
        pass.mel.assign(static_cast<std::size_t>(kMelBands * frames), 0.0F);
    }
    pass.means.assign(static_cast<std::size_t>(frames), 0.0);
    const auto bank = mel_filter_bank(sample_rate, kMelFftSize, kMelBands, 0.0, kMelFmax);
    // The tuning estimate reads a Hann STFT of 2048 at hop 512: the mel spectrogram's own when the
    // hops agree.
    const bool shares_tuning = hop == kTuningHop && kMelFftSize == kTuningFftSize;
    TuningEstimator estimator(sample_rate, threads);
    std::vector<std::vector<double>> power(static_cast<std::size_t>(threads),
                                           std::vector<double>(kMelFftSize / 2 + 1));
    std::vector<std::vector<float>> bands(static_cast<std::size_t>(threads),
                                          std::vector<float>(kMelBands));
    for_each_stft_frame(
        samples, kMelFftSize, hop, periodic_hann(kMelFftSize),
        [&](int worker, std::int64_t frame, std::span<const std::complex<double>> spectrum) {
            if (shares_tuning) {
                estimator.add_frame(worker, spectrum);
            }
            auto& frame_bands = bands[static_cast<std::size_t>(worker)];
            mel_frame(bank, spectrum, power[static_cast<std::size_t>(worker)], frame_bands);
            if (keep_mel) {
                for (int band = 0; band < kMelBands; ++band) {
                    pass.mel[static_cast<std::size_t>(band * frames + frame)] =
                        frame_bands[static_cast<std::size_t>(band)];
                }
            }
            pass.means[static_cast<std::size_t>(frame)] = band_mean(frame_bands);
        },
        threads);
    if (shares_tuning) {
        pass.tuning = estimator.tuning(kChromaBinsPerOctave);
    }
    return pass;
}

// Keeps the first `frames` columns of a rows × columns matrix, in place.
void keep_columns(std::vector<float>& matrix, int rows, std::int64_t columns, std::int64_t frames) {
    if (frames == columns || matrix.empty()) {
        return;
    }
    for (int row = 1; row < rows; ++row) {
        std::copy_n(matrix.begin() + row * columns, frames, matrix.begin() + row * frames);
    }
    matrix.resize(static_cast<std::size_t>(rows * frames));
}

}  // namespace

Features compute_features(std::span<const float> samples, int sample_rate, int hop,
                          const FeatureOptions& options) {
    if (hop < 1) {
        fail("hop must be at least 1 sample, not {}", hop);
    }
    if (samples.empty()) {
        fail("no audio samples to analyse");
    }
    const int threads = feature_threads();
    Features features;
    features.sample_rate = sample_rate;
    features.hop = hop;
    MelPass mel = mel_pass(samples, sample_rate, hop, options.keep_mel, threads);
    const auto mel_frames = static_cast<std::int64_t>(mel.means.size());
    auto chroma = chroma_cqt(samples, sample_rate, hop, mel.tuning, threads, options.block_frames);
    // librosa's CQT keeps the frames every octave has; with a hop that divides by 2^6 that is
    // the mel spectrogram's count, otherwise cut both to the shorter.
    features.frames = std::min(mel_frames, chroma.frames);
    keep_columns(mel.mel, kMelBands, mel_frames, features.frames);
    features.mel = std::move(mel.mel);
    keep_columns(chroma.chroma, kPitchClasses, chroma.frames, features.frames);
    chroma.frames = features.frames;
    features.chromasort = chroma_order(chroma);
    features.tuning = chroma.tuning;
    features.chroma = std::move(chroma.chroma);
    mel.means.resize(static_cast<std::size_t>(features.frames));
    auto power = power_and_gradient_of_means(mel.means);
    features.spec_mean = std::move(power.spec_mean);
    features.grad_mean = std::move(power.grad_mean);
    return features;
}

}  // namespace bgv::features
