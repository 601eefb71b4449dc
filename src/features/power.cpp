#include "features/power.h"

#include <algorithm>

#include "core/error.h"

namespace bgv::features {

PowerAndGradient power_and_gradient(std::span<const float> mel, int n_mels, std::int64_t frames) {
    if (static_cast<std::int64_t>(mel.size()) != n_mels * frames || n_mels <= 0) {
        fail("mel spectrogram has {} values, not {} bands × {} frames", mel.size(), n_mels, frames);
    }
    const auto n = static_cast<std::size_t>(frames);
    std::vector<double> mean(n, 0.0);
    for (int band = 0; band < n_mels; ++band) {
        const float* row = mel.data() + static_cast<std::int64_t>(band) * frames;
        for (std::size_t t = 0; t < n; ++t) {
            mean[t] += row[t];
        }
    }
    for (auto& m : mean) {
        m /= n_mels;
    }
    return power_and_gradient_of_means(mean);
}

double band_mean(std::span<const float> frame_bands) {
    double sum = 0.0;
    for (const float value : frame_bands) {
        sum += value;
    }
    return sum / static_cast<double>(frame_bands.size());
}

PowerAndGradient power_and_gradient_of_means(std::span<const double> mean) {
    PowerAndGradient result;
    const std::size_t n = mean.size();
    result.spec_mean.assign(n, 0.0F);
    result.grad_mean.assign(n, 0.0F);
    if (n == 0) {
        return result;
    }
    const auto [low, high] = std::minmax_element(mean.begin(), mean.end());
    const double range = *high - *low;
    if (range > 0) {
        for (std::size_t t = 0; t < n; ++t) {
            result.spec_mean[t] = static_cast<float>((mean[t] - *low) / range);
        }
    }
    if (n < 2) {
        return result;  // np.gradient needs two points; a single frame has no rise
    }
    std::vector<double> gradient(n);
    gradient.front() = mean[1] - mean[0];
    gradient.back() = mean[n - 1] - mean[n - 2];
    for (std::size_t t = 1; t + 1 < n; ++t) {
        gradient[t] = (mean[t + 1] - mean[t - 1]) / 2;
    }
    const double top = *std::max_element(gradient.begin(), gradient.end());
    if (top != 0) {
        for (std::size_t t = 0; t < n; ++t) {
            result.grad_mean[t] = static_cast<float>(std::max(0.0, gradient[t] / top));
        }
    }
    return result;
}

}  // namespace bgv::features
