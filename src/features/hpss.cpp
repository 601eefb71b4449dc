#include "features/hpss.h"

#include <algorithm>
#include <complex>
#include <limits>

#include "core/error.h"
#include "features/istft.h"
#include "features/median_filter.h"
#include "features/stft.h"

namespace bgv::features {
namespace {

// out (columns × rows) = in (rows × columns) transposed, in cache-sized tiles.
void transpose(std::span<const float> in, std::int64_t rows, std::int64_t columns,
               std::span<float> out) {
    constexpr std::int64_t kTile = 64;
    for (std::int64_t r0 = 0; r0 < rows; r0 += kTile) {
        for (std::int64_t c0 = 0; c0 < columns; c0 += kTile) {
            const std::int64_t r1 = std::min(rows, r0 + kTile);
            const std::int64_t c1 = std::min(columns, c0 + kTile);
            for (std::int64_t r = r0; r < r1; ++r) {
                for (std::int64_t c = c0; c < c1; ++c) {
                    out[static_cast<std::size_t>(c * rows + r)] =
                        in[static_cast<std::size_t>(r * columns + c)];
                }
            }
        }
    }
}

// The two soft masks of util.softmask(X, X_ref, power=2, split_zeros=True) in float32 as librosa
// computes them: (X/Z)² / ((X/Z)² + (X_ref/Z)²) with Z = max(X, X_ref), 0.5 where Z is below
// float32's smallest normal number.
struct Masks {
    float harmonic = 0;
    float percussive = 0;
};

Masks soft_masks(float harmonic, float percussive) {
    const float z = std::max(harmonic, percussive);
    if (z < std::numeric_limits<float>::min()) {
        return {0.5F, 0.5F};
    }
    const float h = harmonic / z;
    const float p = percussive / z;
    const float h2 = h * h;
    const float p2 = p * p;
    return {h2 / (h2 + p2), p2 / (p2 + h2)};
}

// The median-filtered spectrogram across time (harmonic) and across frequency (percussive), both
// frame-major like the input.
HpssParts median_filtered(std::span<const float> magnitude, std::int64_t frames, int bins,
                          int threads) {
    HpssParts filtered;
    const auto size = magnitude.size();
    filtered.percussive.resize(size);
    median_filter_rows(magnitude, frames, bins, kHpssKernel, filtered.percussive, threads);
    std::vector<float> by_bin(size);
    transpose(magnitude, frames, bins, by_bin);
    std::vector<float> harmonic_by_bin(size);
    median_filter_rows(by_bin, bins, frames, kHpssKernel, harmonic_by_bin, threads);
    filtered.harmonic = std::move(by_bin);
    transpose(harmonic_by_bin, bins, frames, filtered.harmonic);
    return filtered;
}

}  // namespace

HpssParts hpss_magnitudes(std::span<const float> magnitude, std::int64_t frames, int bins,
                          int threads) {
    if (static_cast<std::int64_t>(magnitude.size()) != frames * bins) {
        fail("HPSS of {} values, not {} frames × {} bins", magnitude.size(), frames, bins);
    }
    auto parts = median_filtered(magnitude, frames, bins, threads);
    for (std::size_t i = 0; i < magnitude.size(); ++i) {
        const auto masks = soft_masks(parts.harmonic[i], parts.percussive[i]);
        parts.harmonic[i] = magnitude[i] * masks.harmonic;
        parts.percussive[i] = magnitude[i] * masks.percussive;
    }
    return parts;
}

HpssParts hpss_signals(std::span<const float> samples, int threads) {
    ComplexStft stft = stft_matrix(samples, kHpssFftSize, kHpssHop, threads);
    std::vector<float> magnitude(stft.values.size());
    for (std::size_t i = 0; i < magnitude.size(); ++i) {
        const auto z = stft.values[i];
        magnitude[i] = magnitude_of({z.real(), z.imag()});
    }
    const auto filtered = median_filtered(magnitude, stft.frames, stft.bins, threads);
    // decompose.hpss on a complex STFT: (S · mask) · phase, with magphase's phase D / |D| (1 where
    // |D| is 0), all in complex64.
    ComplexStft percussive = stft;
    for (std::size_t i = 0; i < magnitude.size(); ++i) {
        const float s = magnitude[i];
        const auto z = stft.values[i];
        const float zero = s == 0.0F ? 1.0F : 0.0F;
        const float divisor = s + zero;
        const std::complex<float> phase(z.real() / divisor + zero, z.imag() / divisor);
        const auto masks = soft_masks(filtered.harmonic[i], filtered.percussive[i]);
        const float h = s * masks.harmonic;
        const float p = s * masks.percussive;
        stft.values[i] = {h * phase.real(), h * phase.imag()};
        percussive.values[i] = {p * phase.real(), p * phase.imag()};
    }
    const auto length = static_cast<std::int64_t>(samples.size());
    HpssParts parts;
    parts.harmonic = istft(stft, length, threads);
    parts.percussive = istft(percussive, length, threads);
    return parts;
}

}  // namespace bgv::features
