#include "features/hpss.h"

#include <algorithm>
#include <complex>
#include <limits>

#include "core/assert.h"
#include "core/error.h"
#include "features/istft.h"
#include "features/median_filter.h"
#include "features/parallel.h"
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

HpssStream::HpssStream(std::int64_t length, int threads)
    : frames_(stft_frame_count(length, kHpssHop)),
      threads_(std::max(threads, 1)),
      harmonic_stream_(kHpssFftSize, kHpssHop, length, threads),
      percussive_stream_(kHpssFftSize, kHpssHop, length, threads) {}

HpssStream::~HpssStream() = default;

void HpssStream::add(std::span<const std::complex<float>> stft_frames, std::vector<float>& harmonic,
                     std::vector<float>& percussive) {
    BGV_ASSERT(stft_frames.size() % kHpssBins == 0, "{} values are not whole frames",
               stft_frames.size());
    const auto count = static_cast<std::int64_t>(stft_frames.size()) / kHpssBins;
    BGV_ASSERT(received_ + count <= frames_, "{} STFT frames given for {}", received_ + count,
               frames_);
    window_.insert(window_.end(), stft_frames.begin(), stft_frames.end());
    for (const auto z : stft_frames) {
        magnitude_.push_back(magnitude_of({z.real(), z.imag()}));
    }
    received_ += count;
    constexpr std::int64_t kContext = kHpssKernel / 2;
    separate(received_ == frames_ ? frames_ : received_ - kContext, harmonic, percussive);
}

void HpssStream::finish(std::vector<float>& harmonic, std::vector<float>& percussive) {
    BGV_ASSERT(received_ == frames_, "HPSS finished after {} of {} frames", received_, frames_);
    separate(frames_, harmonic, percussive);
    harmonic_stream_.finish(harmonic);
    percussive_stream_.finish(percussive);
}

void HpssStream::separate(std::int64_t end, std::vector<float>& harmonic,
                          std::vector<float>& percussive) {
    constexpr std::int64_t kContext = kHpssKernel / 2;
    constexpr auto bins = static_cast<std::size_t>(kHpssBins);
    while (separated_ < end) {
        const std::int64_t first = separated_;
        const std::int64_t last = std::min(end, first + kHpssBlockFrames);
        const auto count = static_cast<std::size_t>(last - first);
        const auto row = [&](std::int64_t frame) {
            return static_cast<std::size_t>(frame - window_first_) * bins;
        };
        // Across frequency: each frame's own bins, reflected at 0 Hz and Nyquist.
        percussive_filtered_.resize(count * bins);
        median_filter_rows(std::span<const float>(magnitude_).subspan(row(first), count * bins),
                           last - first, kHpssBins, kHpssKernel, percussive_filtered_, threads_);
        // Across time: each bin over the frames around, reflected at the song's ends (what
        // median_filter_rows does to a whole row), gathered bin by bin.
        const std::size_t span = count + 2 * kContext;
        extended_.resize(bins * span);
        constexpr std::int64_t kTile = 64;
        for (std::int64_t j0 = first - kContext; j0 < last + kContext; j0 += kTile) {
            const std::int64_t j1 = std::min(last + kContext, j0 + kTile);
            for (std::size_t k0 = 0; k0 < bins; k0 += kTile) {
                const std::size_t k1 = std::min(bins, k0 + kTile);
                for (std::int64_t j = j0; j < j1; ++j) {
                    const float* source = magnitude_.data() + row(reflect_index(j, frames_));
                    const auto column = static_cast<std::size_t>(j - (first - kContext));
                    for (std::size_t k = k0; k < k1; ++k) {
                        extended_[k * span + column] = source[k];
                    }
                }
            }
        }
        harmonic_filtered_.resize(bins * count);
        const auto workers = static_cast<int>(std::clamp<std::int64_t>(threads_, 1, kHpssBins));
        run_workers(workers, [&](int w) {
            for (std::size_t k =
                     bins * static_cast<std::size_t>(w) / static_cast<std::size_t>(workers);
                 k < bins * static_cast<std::size_t>(w + 1) / static_cast<std::size_t>(workers);
                 ++k) {
                sliding_median(std::span<const float>(extended_).subspan(k * span, span),
                               kHpssKernel,
                               std::span<float>(harmonic_filtered_).subspan(k * count, count));
            }
        });
        // decompose.hpss on a complex STFT: (S · mask) · phase, with magphase's phase D / |D| (1
        // where |D| is 0), all in complex64; one part after the other through its inverse.
        part_.resize(count * bins);
        for (const bool harmonic_part : {true, false}) {
            for (std::size_t t = 0; t < count; ++t) {
                const std::size_t at = row(first) + t * bins;
                for (std::size_t k = 0; k < bins; ++k) {
                    const float s = magnitude_[at + k];
                    const auto z = window_[at + k];
                    const float zero = s == 0.0F ? 1.0F : 0.0F;
                    const float divisor = s + zero;
                    const std::complex<float> phase(z.real() / divisor + zero, z.imag() / divisor);
                    const auto masks = soft_masks(harmonic_filtered_[k * count + t],
                                                  percussive_filtered_[t * bins + k]);
                    const float scaled = s * (harmonic_part ? masks.harmonic : masks.percussive);
                    part_[t * bins + k] = {scaled * phase.real(), scaled * phase.imag()};
                }
            }
            if (harmonic_part) {
                harmonic_stream_.add(part_, harmonic);
            } else {
                percussive_stream_.add(part_, percussive);
            }
        }
        separated_ = last;
        // Frames before separated_ - kContext are no one's context any more (the song's first
        // frames stay while the start's reflections need them).
        const std::int64_t keep_from = std::max<std::int64_t>(0, separated_ - kContext);
        if (keep_from > window_first_ + static_cast<std::int64_t>(kHpssBlockFrames)) {
            const auto drop = row(keep_from);
            window_.erase(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(drop));
            magnitude_.erase(magnitude_.begin(),
                             magnitude_.begin() + static_cast<std::ptrdiff_t>(drop));
            window_first_ = keep_from;
        }
    }
}

HpssParts hpss_signals(std::span<const float> samples, int threads) {
    const auto length = static_cast<std::int64_t>(samples.size());
    HpssStream stream(length, threads);
    HpssParts parts;
    parts.harmonic.reserve(samples.size());
    parts.percussive.reserve(samples.size());
    const auto window = periodic_hann(kHpssFftSize);
    std::vector<std::complex<float>> block;
    for (std::int64_t first = 0; first < stream.frames(); first += kHpssBlockFrames) {
        const std::int64_t last = std::min(stream.frames(), first + kHpssBlockFrames);
        block.resize(static_cast<std::size_t>(last - first) * kHpssBins);
        for_each_stft_frame(
            SignalWindow{samples, 0, length}, kHpssFftSize, kHpssHop, window,
            [&](int /*worker*/, std::int64_t frame,
                std::span<const std::complex<double>> spectrum) {
                auto* out = block.data() + (frame - first) * kHpssBins;
                for (int k = 0; k < kHpssBins; ++k) {
                    const auto z = spectrum[static_cast<std::size_t>(k)];
                    out[k] = {static_cast<float>(z.real()), static_cast<float>(z.imag())};
                }
            },
            threads, first, last);
        stream.add(block, parts.harmonic, parts.percussive);
    }
    stream.finish(parts.harmonic, parts.percussive);
    return parts;
}

}  // namespace bgv::features
