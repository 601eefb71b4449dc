#include "features/stft.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numbers>
#include <thread>

#include "core/assert.h"
#include "core/error.h"
#include "features/parallel.h"
#include "features/real_fft.h"

namespace bgv::features {

std::int64_t stft_frame_count(std::int64_t n_samples, int hop) {
    return 1 + n_samples / hop;
}

std::vector<double> periodic_hann(int n) {
    // scipy evaluates the symmetric window of n + 1 points on linspace(-pi, pi) and drops the last.
    std::vector<double> window(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double phase = i * (2.0 * std::numbers::pi / n) + -std::numbers::pi;
        window[static_cast<std::size_t>(i)] = 0.5 + 0.5 * std::cos(phase);
    }
    return window;
}

namespace {
std::atomic<int> thread_limit{0};
}  // namespace

int feature_threads() {
    const unsigned cores = std::thread::hardware_concurrency();
    const int threads = static_cast<int>(std::clamp(cores, 1U, 8U));
    const int limit = thread_limit.load();
    return limit > 0 ? std::min(threads, limit) : threads;
}

void limit_feature_threads(int threads) {
    thread_limit.store(std::max(threads, 0));
}

namespace {

void visit_frame_range(const SignalWindow& signal, int n_fft, int hop,
                       std::span<const double> window, const SpectrumVisitor& visit, int worker,
                       std::int64_t first, std::int64_t last) {
    RealFft fft(n_fft);
    const std::int64_t n_samples = signal.length;
    const std::int64_t half = n_fft / 2;
    double* in = fft.input().data();
    const float* y = signal.samples.data() - signal.first;  // y[i]: sample i of the signal
    for (std::int64_t frame = first; frame < last; ++frame) {
        const std::int64_t start = frame * hop - half;  // may be negative: zero padding
        BGV_ASSERT(std::max<std::int64_t>(start, 0) >= signal.first &&
                       std::min(start + n_fft, n_samples) <=
                           signal.first + static_cast<std::int64_t>(signal.samples.size()),
                   "frame {} reads samples outside the window [{}, {})", frame, signal.first,
                   signal.first + static_cast<std::int64_t>(signal.samples.size()));
        if (start >= 0 && start + n_fft <= n_samples) {
            const float* from = y + start;
            for (std::int64_t i = 0; i < n_fft; ++i) {
                in[i] = static_cast<double>(from[i]);
            }
        } else {
            for (std::int64_t i = 0; i < n_fft; ++i) {
                const std::int64_t at = start + i;
                in[i] = at >= 0 && at < n_samples ? static_cast<double>(y[at]) : 0.0;
            }
        }
        if (!window.empty()) {
            const double* w = window.data();
            for (std::int64_t i = 0; i < n_fft; ++i) {
                in[i] *= w[i];
            }
        }
        fft.execute();
        visit(worker, frame, fft.output());
    }
}

}  // namespace

void for_each_stft_frame(std::span<const float> samples, int n_fft, int hop,
                         std::span<const double> window, const SpectrumVisitor& visit, int threads,
                         std::int64_t max_frames) {
    const auto length = static_cast<std::int64_t>(samples.size());
    std::int64_t frames = hop > 0 ? stft_frame_count(length, hop) : 0;
    if (max_frames >= 0) {
        frames = std::min(frames, max_frames);
    }
    for_each_stft_frame(SignalWindow{samples, 0, length}, n_fft, hop, window, visit, threads, 0,
                        frames);
}

void for_each_stft_frame(const SignalWindow& signal, int n_fft, int hop,
                         std::span<const double> window, const SpectrumVisitor& visit, int threads,
                         std::int64_t first_frame, std::int64_t end_frame) {
    if (hop <= 0) {
        fail("STFT hop must be positive, not {}", hop);
    }
    if (!window.empty() && static_cast<int>(window.size()) != n_fft) {
        fail("STFT window has {} values for n_fft {}", window.size(), n_fft);
    }
    const std::int64_t frames = end_frame - first_frame;
    if (frames <= 0) {
        return;
    }
    const int workers = static_cast<int>(std::clamp<std::int64_t>(threads, 1, frames));
    run_workers(workers, [&](int w) {
        visit_frame_range(signal, n_fft, hop, window, visit, w, first_frame + frames * w / workers,
                          first_frame + frames * (w + 1) / workers);
    });
}

ComplexStft stft_matrix(std::span<const float> samples, int n_fft, int hop, int threads) {
    ComplexStft stft;
    stft.n_fft = n_fft;
    stft.hop = hop;
    stft.bins = n_fft / 2 + 1;
    stft.frames = stft_frame_count(static_cast<std::int64_t>(samples.size()), hop);
    stft.values.resize(static_cast<std::size_t>(stft.frames * stft.bins));
    const auto window = periodic_hann(n_fft);
    for_each_stft_frame(
        samples, n_fft, hop, window,
        [&](int /*worker*/, std::int64_t frame, std::span<const std::complex<double>> spectrum) {
            auto* out = stft.values.data() + frame * stft.bins;
            for (int k = 0; k < stft.bins; ++k) {
                const auto z = spectrum[static_cast<std::size_t>(k)];
                out[k] = {static_cast<float>(z.real()), static_cast<float>(z.imag())};
            }
        },
        threads);
    return stft;
}

}  // namespace bgv::features
