// features/stft: librosa's centred short-time Fourier transform (frames centred on multiples of the
// hop, the signal padded with zeros by n_fft/2 on each side), streamed frame by frame to a visitor.
#pragma once

#include <cmath>
#include <complex>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace bgv::features {

// |z| as librosa gets it: the complex64 STFT value's magnitude in float32. numpy calls hypotf,
// which glibc computes exactly this way (the squares of floats are exact in double), so the
// results agree bit for bit when the components do; written out, it vectorises.
inline float magnitude_of(std::complex<double> z) {
    const auto re = static_cast<double>(static_cast<float>(z.real()));
    const auto im = static_cast<double>(static_cast<float>(z.imag()));
    return static_cast<float>(std::sqrt(re * re + im * im));
}

// Frames a pass over a long song computes at a time (about 95 s of audio at hop 512): enough to
// keep the threads busy, few enough that per-block buffers stay a few megabytes.
inline constexpr std::int64_t kBlockFrames = 4096;

// Frames of a centred STFT of n_samples samples: 1 + n_samples / hop.
std::int64_t stft_frame_count(std::int64_t n_samples, int hop);

// The periodic Hann window of length n (scipy.signal.get_window("hann", n), fftbins=True).
std::vector<double> periodic_hann(int n);

// How many threads the feature passes use: the machine's cores, at most 8, and at most the limit
// last given to limit_feature_threads.
int feature_threads();

// A program's thread count (--threads) for the feature passes too; 0 lifts the limit.
void limit_feature_threads(int threads);

// Receives one frame's n_fft/2 + 1 bins. `worker` (0 <= worker < threads) identifies the calling
// thread so that visitors can keep per-thread scratch; every frame is visited exactly once.
using SpectrumVisitor = std::function<void(int worker, std::int64_t frame,
                                           std::span<const std::complex<double>> spectrum)>;

// The STFT of `samples` with the given window (length n_fft; empty: rectangular), frames [0,
// stft_frame_count), computed in double precision and split over `threads` threads by contiguous
// frame ranges.
void for_each_stft_frame(std::span<const float> samples, int n_fft, int hop,
                         std::span<const double> window, const SpectrumVisitor& visit, int threads,
                         std::int64_t max_frames = -1);

// A stretch of a longer signal held in memory: samples[i] is sample first + i of a signal of
// `length` samples, which is zero outside [0, length). Passes over a long song hold such a window.
struct SignalWindow {
    std::span<const float> samples;
    std::int64_t first = 0;
    std::int64_t length = 0;
};

// Frames [first_frame, end_frame) of the centred STFT of the signal `window` is part of, as
// for_each_stft_frame computes them (the same values whatever the window). The window must hold
// every sample of [0, length) those frames read.
void for_each_stft_frame(const SignalWindow& signal, int n_fft, int hop,
                         std::span<const double> window, const SpectrumVisitor& visit, int threads,
                         std::int64_t first_frame, std::int64_t end_frame);

// A whole complex STFT as librosa keeps it (complex64), frame-major: frame t's n_fft/2 + 1 bins
// are values[t * bins, (t + 1) * bins).
struct ComplexStft {
    int n_fft = 0;
    int hop = 0;
    int bins = 0;
    std::int64_t frames = 0;
    std::vector<std::complex<float>> values;
};

// librosa.stft(y, n_fft, hop_length=hop) with its defaults (periodic Hann window, centred,
// zero padding).
ComplexStft stft_matrix(std::span<const float> samples, int n_fft, int hop, int threads);

}  // namespace bgv::features
