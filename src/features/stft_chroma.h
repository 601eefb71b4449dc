// features/stft_chroma: librosa's chroma_stft filter bank (Gaussian bumps around each pitch class,
// weighted towards the middle octaves), the live analysis' chroma from the STFT it already has.
#pragma once

#include <array>
#include <span>
#include <vector>

namespace bgv::features {

// librosa.filters.chroma(sr, n_fft, n_chroma=12, tuning, ctroct=5, octwidth=2, norm=2,
// base_c=True): 12 rows (C first) of n_fft/2 + 1 weights, row-major, float32 as librosa keeps
// them.
std::vector<float> chroma_stft_filter_bank(double sample_rate, int n_fft, double tuning);

// One frame of librosa.feature.chroma_stft(S=power, tuning=...): the filter bank applied to a
// power spectrum (n_fft/2 + 1 values), scaled so that the largest class is 1 (all 0 when the
// largest is below float32's smallest normal number, as util.normalize leaves it).
std::array<float, 12> chroma_of_power(std::span<const float> filter_bank,
                                      std::span<const double> power);

}  // namespace bgv::features
