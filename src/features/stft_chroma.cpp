#include "features/stft_chroma.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/assert.h"
#include "core/error.h"

namespace bgv::features {
namespace {

constexpr int kClasses = 12;
constexpr double kCentreOctave = 5.0;  // ctroct: the weighting's centre, about 880 Hz
constexpr double kOctaveWidth = 2.0;   // octwidth: its standard deviation in octaves

// librosa.hz_to_octs: octaves above A0 (440 / 16 Hz), tuning in fractions of a pitch class.
double hz_to_octaves(double hz, double tuning) {
    const double a440 = 440.0 * std::pow(2.0, tuning / kClasses);
    return std::log2(hz / (a440 / 16.0));
}

}  // namespace

std::vector<float> chroma_stft_filter_bank(double sample_rate, int n_fft, double tuning) {
    if (n_fft < 2 || !(sample_rate > 0)) {
        fail("chroma filter bank for n_fft {} at {} Hz", n_fft, sample_rate);
    }
    const auto n = static_cast<std::size_t>(n_fft);
    // Each FFT bin's position in pitch classes (bin 0, at 0 Hz, is put 1.5 octaves below bin 1).
    std::vector<double> bin_class(n);
    for (std::size_t k = 1; k < n; ++k) {
        const double hz = sample_rate * static_cast<double>(k) / n_fft;
        bin_class[k] = kClasses * hz_to_octaves(hz, tuning);
    }
    bin_class[0] = bin_class[1] - 1.5 * kClasses;
    std::vector<double> width(n, 1.0);
    for (std::size_t k = 0; k + 1 < n; ++k) {
        width[k] = std::max(bin_class[k + 1] - bin_class[k], 1.0);
    }
    // wts[c][k]: a Gaussian of the distance (wrapped to ±6 classes) from class c to bin k.
    std::vector<double> weights(kClasses * n);
    const double half = std::nearbyint(kClasses / 2.0);
    for (std::size_t k = 0; k < n; ++k) {
        double squares = 0;
        for (int c = 0; c < kClasses; ++c) {
            const double d =
                std::fmod(bin_class[k] - c + half + 10.0 * kClasses, static_cast<double>(kClasses));
            const double distance = (d < 0 ? d + kClasses : d) - half;
            const double ratio = 2.0 * distance / width[k];
            const double w = std::exp(-0.5 * ratio * ratio);
            weights[static_cast<std::size_t>(c) * n + k] = w;
            squares += w * w;
        }
        const double norm = std::sqrt(squares);
        const double octave_weight =
            std::exp(-0.5 * std::pow((bin_class[k] / kClasses - kCentreOctave) / kOctaveWidth, 2));
        for (int c = 0; c < kClasses; ++c) {
            auto& w = weights[static_cast<std::size_t>(c) * n + k];
            // util.normalize leaves a column whose norm is below tiny as it is.
            w = (norm < std::numeric_limits<double>::min() ? w : w / norm) * octave_weight;
        }
    }
    // base_c: roll so that row 0 is C (the rows above count from A), then keep the rfft bins.
    const std::size_t bins = n / 2 + 1;
    std::vector<float> bank(kClasses * bins);
    for (int c = 0; c < kClasses; ++c) {
        const auto from = static_cast<std::size_t>((c + 3) % kClasses);
        for (std::size_t k = 0; k < bins; ++k) {
            bank[static_cast<std::size_t>(c) * bins + k] =
                static_cast<float>(weights[from * n + k]);
        }
    }
    return bank;
}

std::array<float, 12> chroma_of_power(std::span<const float> filter_bank,
                                      std::span<const double> power) {
    const std::size_t bins = power.size();
    BGV_ASSERT(filter_bank.size() == kClasses * bins, "{} weights for {} bins", filter_bank.size(),
               bins);
    std::array<double, kClasses> raw{};
    for (int c = 0; c < kClasses; ++c) {
        const float* row = filter_bank.data() + static_cast<std::size_t>(c) * bins;
        double sum = 0;
        for (std::size_t k = 0; k < bins; ++k) {
            sum += static_cast<double>(row[k]) * power[k];
        }
        raw[static_cast<std::size_t>(c)] = sum;
    }
    const double top = *std::max_element(raw.begin(), raw.end());
    std::array<float, kClasses> chroma{};
    for (int c = 0; c < kClasses; ++c) {
        const double v = raw[static_cast<std::size_t>(c)];
        chroma[static_cast<std::size_t>(c)] =
            static_cast<float>(top < std::numeric_limits<float>::min() ? v : v / top);
    }
    return chroma;
}

}  // namespace bgv::features
