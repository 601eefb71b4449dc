#include "features/istft.h"

#include <algorithm>
#include <limits>

#include "core/error.h"
#include "features/parallel.h"
#include "features/real_fft.h"

namespace bgv::features {
namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
    return -floor_div(-a, b);
}

// Output samples [first, last): every frame that reaches them, in frame order, so that each
// sample's float32 sum is rounded in the same order as librosa's.
void overlap_add_range(const ComplexStft& stft, std::span<const double> window, std::int64_t frames,
                       std::int64_t first, std::int64_t last, std::span<float> y) {
    const int n_fft = stft.n_fft;
    const std::int64_t half = n_fft / 2;
    InverseRealFft fft(n_fft);
    std::vector<float> window_sum(static_cast<std::size_t>(last - first), 0.0F);
    const double scale = 1.0 / n_fft;  // numpy's irfft normalisation
    const std::int64_t frame_begin =
        std::max<std::int64_t>(0, floor_div(first + half - n_fft, stft.hop) + 1);
    const std::int64_t frame_end = std::min(frames, ceil_div(last + half, stft.hop));
    for (std::int64_t frame = frame_begin; frame < frame_end; ++frame) {
        const auto* bins = stft.values.data() + frame * stft.bins;
        auto input = fft.input();
        for (int k = 0; k < stft.bins; ++k) {
            input[static_cast<std::size_t>(k)] = {bins[k].real(), bins[k].imag()};
        }
        fft.execute();
        const double* frame_signal = fft.output().data();
        const std::int64_t start = frame * stft.hop - half;
        const std::int64_t i_begin = std::max<std::int64_t>(0, first - start);
        const std::int64_t i_end = std::min<std::int64_t>(n_fft, last - start);
        for (std::int64_t i = i_begin; i < i_end; ++i) {
            const auto at = static_cast<std::size_t>(start + i);
            const double w = window[static_cast<std::size_t>(i)];
            y[at] = static_cast<float>(static_cast<double>(y[at]) + w * (frame_signal[i] * scale));
            auto& sum = window_sum[at - static_cast<std::size_t>(first)];
            sum = static_cast<float>(static_cast<double>(sum) + w * w);
        }
    }
    for (std::int64_t at = first; at < last; ++at) {
        const float sum = window_sum[static_cast<std::size_t>(at - first)];
        if (sum > std::numeric_limits<float>::min()) {
            y[static_cast<std::size_t>(at)] /= sum;
        }
    }
}

}  // namespace

std::vector<float> istft(const ComplexStft& stft, std::int64_t length, int threads) {
    if (stft.hop < 1 || stft.n_fft < 2 || stft.bins != stft.n_fft / 2 + 1 ||
        static_cast<std::int64_t>(stft.values.size()) != stft.frames * stft.bins) {
        fail("inverse STFT of a malformed spectrogram (n_fft {}, hop {}, {} bins, {} frames)",
             stft.n_fft, stft.hop, stft.bins, stft.frames);
    }
    std::vector<float> y(static_cast<std::size_t>(std::max<std::int64_t>(length, 0)), 0.0F);
    if (y.empty() || stft.frames == 0) {
        return y;
    }
    const std::int64_t half = stft.n_fft / 2;
    const std::int64_t frames = std::min(stft.frames, ceil_div(length + 2 * half, stft.hop));
    const auto window = periodic_hann(stft.n_fft);
    // Each worker owns a contiguous range of samples; the frames straddling two ranges are
    // transformed by both, a few per boundary.
    const auto workers = static_cast<int>(
        std::clamp<std::int64_t>(threads, 1, std::max<std::int64_t>(1, length / (8 * stft.n_fft))));
    run_workers(workers, [&](int w) {
        overlap_add_range(stft, window, frames, length * w / workers, length * (w + 1) / workers,
                          y);
    });
    return y;
}

}  // namespace bgv::features
