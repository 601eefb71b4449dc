// features/power: the per-frame loudness and its rise that drive the noise vectors (the seed's
// specm and gradm, computed from the mel spectrogram).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace bgv::features {

struct PowerAndGradient {
    std::vector<float> spec_mean;  // (m - min) / (max - min) of the mean over bands, per frame
    std::vector<float> grad_mean;  // clip(gradient(m) / max(gradient(m)), 0, inf)
};

// From a mel spectrogram (n_mels × frames, row-major): m = mean over bands; spec_mean is m scaled
// to [0, 1]; grad_mean is np.gradient(m) (central differences, one-sided at the ends) divided by
// its maximum and clipped at 0. Where librosa would divide 0 by 0 (a constant m, silence), the
// result is 0 rather than NaN.
PowerAndGradient power_and_gradient(std::span<const float> mel, int n_mels, std::int64_t frames);

// The mean over bands of one frame's mel power, summed in band order in double as
// power_and_gradient sums it: a pass can keep one value per frame instead of the spectrogram.
double band_mean(std::span<const float> frame_bands);

// power_and_gradient from the per-frame means.
PowerAndGradient power_and_gradient_of_means(std::span<const double> mean);

}  // namespace bgv::features
