#include "features/plp.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>

#include "core/error.h"
#include "features/istft.h"
#include "features/stft.h"

namespace bgv::features {
namespace {

constexpr int kPlpWindow = 384;  // plp's win_length, in frames
constexpr double kTempoMin = 30.0;
constexpr double kTempoMax = 300.0;

// numpy's ordering of complex numbers: by real part, then by imaginary part.
bool complex_less(std::complex<float> a, std::complex<float> b) {
    return a.real() < b.real() || (a.real() == b.real() && a.imag() < b.imag());
}

}  // namespace

std::vector<float> plp(std::span<const float> envelope, int sample_rate, int hop, int threads) {
    if (hop < 1) {
        fail("PLP hop must be positive, not {}", hop);
    }
    const auto n = static_cast<std::int64_t>(envelope.size());
    std::vector<float> pulse;
    if (n == 0) {
        return pulse;
    }
    pulse.reserve(envelope.size());
    constexpr int kBins = kPlpWindow / 2 + 1;
    // fourier_tempo_frequencies: rfftfreq(384, d = 1 / (sr · 60 / hop)) in BPM.
    const double spacing = 1.0 / (sample_rate * 60 / static_cast<double>(hop));
    const double bpm_per_bin = 1.0 / (kPlpWindow * spacing);
    std::vector<bool> in_range(static_cast<std::size_t>(kBins));
    for (int k = 0; k < kBins; ++k) {
        const double bpm = k * bpm_per_bin;
        in_range[static_cast<std::size_t>(k)] = bpm >= kTempoMin && bpm <= kTempoMax;
    }
    const float tiny_root = std::sqrt(std::numeric_limits<float>::min());
    // The tempogram (one frame per envelope value, hop 1) block by block into its inverse.
    const auto window = periodic_hann(kPlpWindow);
    const std::int64_t frames = stft_frame_count(n, 1);
    IstftStream inverse(kPlpWindow, 1, n, threads);
    std::vector<std::complex<float>> block;
    std::vector<float> strength(static_cast<std::size_t>(kBins));
    for (std::int64_t first = 0; first < frames; first += kBlockFrames) {
        const std::int64_t last = std::min(frames, first + kBlockFrames);
        block.resize(static_cast<std::size_t>((last - first) * kBins));
        for_each_stft_frame(
            SignalWindow{envelope, 0, n}, kPlpWindow, 1, window,
            [&](int /*worker*/, std::int64_t frame,
                std::span<const std::complex<double>> spectrum) {
                auto* out = block.data() + (frame - first) * kBins;
                for (int k = 0; k < kBins; ++k) {
                    const auto z = spectrum[static_cast<std::size_t>(k)];
                    out[k] = {static_cast<float>(z.real()), static_cast<float>(z.imag())};
                }
            },
            threads, first, last);
        for (std::int64_t t = 0; t < last - first; ++t) {
            auto* bins = block.data() + t * kBins;
            float peak = -std::numeric_limits<float>::infinity();
            for (int k = 0; k < kBins; ++k) {
                if (!in_range[static_cast<std::size_t>(k)]) {
                    bins[k] = 0.0F;
                }
                const auto z = bins[k];
                const float magnitude = magnitude_of({z.real(), z.imag()});
                strength[static_cast<std::size_t>(k)] = std::log1p(1e6F * magnitude);
                peak = std::max(peak, strength[static_cast<std::size_t>(k)]);
            }
            std::complex<float> largest = bins[0];
            for (int k = 0; k < kBins; ++k) {
                if (strength[static_cast<std::size_t>(k)] < peak) {
                    bins[k] = 0.0F;
                }
                if (complex_less(largest, bins[k])) {
                    largest = bins[k];
                }
            }
            // numpy divides complex64 by a real d as (a + bi) · (1 / d).
            const float divisor = tiny_root + magnitude_of({largest.real(), largest.imag()});
            const float reciprocal = 1.0F / divisor;
            for (int k = 0; k < kBins; ++k) {
                bins[k] = {bins[k].real() * reciprocal, bins[k].imag() * reciprocal};
            }
        }
        inverse.add(block, pulse);
    }
    inverse.finish(pulse);
    double loudest = 0;
    for (auto& value : pulse) {
        value = std::max(value, 0.0F);
        loudest = std::max(loudest, static_cast<double>(value));
    }
    if (loudest >= static_cast<double>(std::numeric_limits<float>::min())) {
        for (auto& value : pulse) {
            value = static_cast<float>(static_cast<double>(value) / loudest);
        }
    }
    return pulse;
}

}  // namespace bgv::features
