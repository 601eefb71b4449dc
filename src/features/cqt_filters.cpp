#include "features/cqt_filters.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <numeric>

#include "core/error.h"
#include "features/real_fft.h"
#include "features/stft.h"

namespace bgv::features {
namespace {

std::complex<double> round_to_complex64(std::complex<double> z) {
    return {static_cast<float>(z.real()), static_cast<float>(z.imag())};
}

}  // namespace

std::vector<double> cqt_frequencies(int n_bins, double fmin, int bins_per_octave) {
    // One octave of ratios 2^(j / bpo), tiled up by powers of two (as librosa multiplies them).
    std::vector<double> frequencies(static_cast<std::size_t>(n_bins));
    for (int k = 0; k < n_bins; ++k) {
        const int octave = k / bins_per_octave;
        const int step = k % bins_per_octave;
        const double ratio = std::pow(2.0, static_cast<double>(step) / bins_per_octave);
        frequencies[static_cast<std::size_t>(k)] = std::ldexp(1.0, octave) * ratio * fmin;
    }
    return frequencies;
}

std::vector<double> relative_bandwidths(const std::vector<double>& frequencies) {
    const std::size_t n = frequencies.size();
    if (n < 2) {
        fail("a constant-Q transform needs at least 2 bins, not {}", n);
    }
    std::vector<double> log_f(n);
    for (std::size_t k = 0; k < n; ++k) {
        log_f[k] = std::log2(frequencies[k]);
    }
    // Local bins per octave: one-sided at the ends, centred elsewhere.
    std::vector<double> alpha(n);
    for (std::size_t k = 0; k < n; ++k) {
        double bins_per_octave = 0;
        if (k == 0) {
            bins_per_octave = 1 / (log_f[1] - log_f[0]);
        } else if (k == n - 1) {
            bins_per_octave = 1 / (log_f[n - 1] - log_f[n - 2]);
        } else {
            bins_per_octave = 2 / (log_f[k + 1] - log_f[k - 1]);
        }
        const double r = std::pow(2.0, 2 / bins_per_octave);
        alpha[k] = (r - 1) / (r + 1);
    }
    return alpha;
}

WaveletLengths wavelet_lengths(const std::vector<double>& frequencies,
                               const std::vector<double>& alpha, double sample_rate,
                               double filter_scale) {
    WaveletLengths result;
    result.lengths.resize(frequencies.size());
    result.cutoff_hz = 0;
    for (std::size_t k = 0; k < frequencies.size(); ++k) {
        const double q = filter_scale / alpha[k];
        result.cutoff_hz =
            std::max(result.cutoff_hz, frequencies[k] * (1 + 0.5 * kHannBandwidth / q) + 0.5 * 0.0);
        result.lengths[k] = q * sample_rate / (frequencies[k] + 0.0 / alpha[k]);
    }
    return result;
}

OctaveFilterBank octave_filter_bank(const std::vector<double>& frequencies,
                                    const std::vector<double>& alpha, double sample_rate,
                                    double filter_scale, double sparsity, double gain) {
    const auto lengths = wavelet_lengths(frequencies, alpha, sample_rate, filter_scale).lengths;
    const double longest = *std::max_element(lengths.begin(), lengths.end());
    const int n_fft = static_cast<int>(std::pow(2.0, std::ceil(std::log2(longest))));
    OctaveFilterBank bank;
    bank.n_fft = n_fft;
    std::vector<std::complex<double>> row(static_cast<std::size_t>(n_fft));
    for (std::size_t k = 0; k < frequencies.size(); ++k) {
        const double length = lengths[k];
        // Time support: integers in [floor(-len/2), floor(len/2)), Hann-windowed, unit L1 norm.
        const auto first = static_cast<std::int64_t>(std::floor(-length / 2));
        const auto last = static_cast<std::int64_t>(std::floor(length / 2));
        const int n = static_cast<int>(last - first);
        if (n > n_fft) {
            fail("constant-Q filter of {} samples exceeds its frame of {}", n, n_fft);
        }
        const auto window = periodic_hann(n);
        std::vector<std::complex<double>> wavelet(static_cast<std::size_t>(n));
        double l1 = 0;
        for (int i = 0; i < n; ++i) {
            const double t = static_cast<double>(first + i);
            const double phase = t * 2 * std::numbers::pi * frequencies[k] / sample_rate;
            const auto value = std::complex<double>(std::cos(phase), std::sin(phase)) *
                               window[static_cast<std::size_t>(i)];
            wavelet[static_cast<std::size_t>(i)] = value;
            l1 += std::abs(value);
        }
        // Centre in the frame as complex64, then librosa's length / n_fft scaling (rounded again).
        std::fill(row.begin(), row.end(), std::complex<double>{});
        const int pad = (n_fft - n) / 2;
        const double scale = length / static_cast<double>(n_fft);
        for (int i = 0; i < n; ++i) {
            const auto normalised = round_to_complex64(wavelet[static_cast<std::size_t>(i)] / l1);
            row[static_cast<std::size_t>(pad + i)] = round_to_complex64(normalised * scale);
        }
        complex_fft(row);
        // util.sparsify_rows on the non-negative frequencies: drop the weakest bins whose
        // magnitudes sum to less than `sparsity` of the row's total.
        const int n_bins = n_fft / 2 + 1;
        std::vector<double> magnitude(static_cast<std::size_t>(n_bins));
        for (int f = 0; f < n_bins; ++f) {
            magnitude[static_cast<std::size_t>(f)] = std::abs(row[static_cast<std::size_t>(f)]);
        }
        const double total = std::accumulate(magnitude.begin(), magnitude.end(), 0.0);
        auto sorted = magnitude;
        std::sort(sorted.begin(), sorted.end());
        double cumulative = 0;
        double keep_from = sorted.front();
        for (const double m : sorted) {
            cumulative += m / total;
            if (!(cumulative < sparsity)) {
                keep_from = m;
                break;
            }
        }
        SparseFilter filter;
        for (int f = 0; f < n_bins; ++f) {
            if (magnitude[static_cast<std::size_t>(f)] >= keep_from) {
                filter.bins.push_back(f);
                const auto stored = round_to_complex64(row[static_cast<std::size_t>(f)]);
                filter.weights.push_back(round_to_complex64(stored * gain));
            }
        }
        bank.filters.push_back(std::move(filter));
    }
    return bank;
}

}  // namespace bgv::features
