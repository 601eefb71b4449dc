// features/mel: librosa's mel spectrogram (Slaney mel scale and area normalisation, power 2,
// centred Hann STFT with zero padding), the loudness feature the vectors follow.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "features/stft.h"

namespace bgv::features {

// The seed's mel spectrogram: 128 bands.
inline constexpr int kMelBands = 128;

// One triangular mel band: its weights over FFT bins [first_bin, first_bin + weights.size()).
struct MelBand {
    int first_bin = 0;
    std::vector<float> weights;
};

// librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm="slaney"), float32 weights,
// stored sparsely (each band's nonzero span).
std::vector<MelBand> mel_filter_bank(double sample_rate, int n_fft, int n_mels, double fmin,
                                     double fmax);

struct MelSpectrogram {
    int n_mels = 0;
    std::int64_t frames = 0;
    std::vector<float> power;  // n_mels × frames, row-major (band, frame)
};

// The mel spectrogram's STFT length (librosa's default n_fft) and upper band edge.
inline constexpr int kMelFftSize = 2048;
inline constexpr double kMelFmax = 8000.0;

// One frame of mel_spectrogram: the bank applied to |spectrum|² (computed in `power`, n_fft/2 + 1
// values of scratch), each band rounded to float32 into `bands`.
void mel_frame(std::span<const MelBand> bank, std::span<const std::complex<double>> spectrum,
               std::span<double> power, std::span<float> bands);

// librosa.feature.melspectrogram(y, sr, n_fft=2048, hop_length=hop, n_mels=128, fmax=fmax).
// `also`, when given, sees every frame's Hann STFT too (another feature sharing the pass).
MelSpectrogram mel_spectrogram(std::span<const float> samples, int sample_rate, int hop,
                               int threads, const SpectrumVisitor& also = {},
                               double fmax = kMelFmax);

}  // namespace bgv::features
