#include "features/features.h"

#include <algorithm>

#include "core/error.h"
#include "features/chroma.h"
#include "features/mel.h"
#include "features/power.h"
#include "features/stft.h"
#include "features/tuning.h"

namespace bgv::features {

Features compute_features(std::span<const float> samples, int sample_rate, int hop) {
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
    // The tuning estimate reads a Hann STFT of 2048 at hop 512: the mel spectrogram's own when the
    // hops agree.
    std::optional<double> tuning;
    MelSpectrogram mel;
    if (hop == kTuningHop && kMelFftSize == kTuningFftSize) {
        TuningEstimator estimator(stft_frame_count(static_cast<std::int64_t>(samples.size()), hop),
                                  sample_rate);
        mel = mel_spectrogram(samples, sample_rate, hop, threads,
                              [&](int /*worker*/, std::int64_t frame,
                                  std::span<const std::complex<double>> spectrum) {
                                  estimator.add_frame(frame, spectrum);
                              });
        tuning = estimator.tuning(kChromaBinsPerOctave);
    } else {
        mel = mel_spectrogram(samples, sample_rate, hop, threads);
    }
    auto chroma = chroma_cqt(samples, sample_rate, hop, tuning, threads);
    // librosa's CQT keeps the frames every octave has; with a hop that divides by 2^6 that is
    // the mel spectrogram's count, otherwise cut both to the shorter.
    features.frames = std::min(mel.frames, chroma.frames);
    features.mel.resize(static_cast<std::size_t>(kMelBands * features.frames));
    for (int band = 0; band < kMelBands; ++band) {
        std::copy_n(mel.power.begin() + band * mel.frames, features.frames,
                    features.mel.begin() + band * features.frames);
    }
    features.chroma.resize(static_cast<std::size_t>(kPitchClasses * features.frames));
    for (int c = 0; c < kPitchClasses; ++c) {
        std::copy_n(chroma.chroma.begin() + c * chroma.frames, features.frames,
                    features.chroma.begin() + c * features.frames);
    }
    chroma.chroma = features.chroma;
    chroma.frames = features.frames;
    features.chromasort = chroma_order(chroma);
    features.tuning = chroma.tuning;
    auto power = power_and_gradient(features.mel, kMelBands, features.frames);
    features.spec_mean = std::move(power.spec_mean);
    features.grad_mean = std::move(power.grad_mean);
    return features;
}

}  // namespace bgv::features
