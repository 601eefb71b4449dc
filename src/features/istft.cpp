#include "features/istft.h"

#include <algorithm>
#include <limits>

#include "core/assert.h"
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

}  // namespace

IstftStream::IstftStream(int n_fft, int hop, std::int64_t length, int threads)
    : n_fft_(n_fft),
      hop_(hop),
      bins_(n_fft / 2 + 1),
      length_(std::max<std::int64_t>(length, 0)),
      threads_(std::max(threads, 1)),
      window_(periodic_hann(n_fft)) {
    if (hop < 1 || n_fft < 2) {
        fail("inverse STFT of n_fft {} at hop {}", n_fft, hop);
    }
}

IstftStream::~IstftStream() = default;

void IstftStream::add(std::span<const std::complex<float>> frames, std::vector<float>& out) {
    BGV_ASSERT(frames.size() % static_cast<std::size_t>(bins_) == 0,
               "{} values are not whole frames of {} bins", frames.size(), bins_);
    const auto count = static_cast<std::int64_t>(frames.size()) / bins_;
    const std::int64_t half = n_fft_ / 2;
    const std::int64_t first_frame = frames_added_;
    frames_added_ += count;
    // The samples these frames reach, within the signal.
    const std::int64_t first = std::max(base_, first_frame * hop_ - half);
    const std::int64_t last = std::min(length_, (frames_added_ - 1) * hop_ + half);
    if (count > 0 && last > first) {
        if (base_ + static_cast<std::int64_t>(sum_.size()) < last) {
            sum_.resize(static_cast<std::size_t>(last - base_), 0.0F);
            weight_.resize(sum_.size(), 0.0F);
        }
        // Each worker owns a contiguous range of samples and adds every frame reaching it, in
        // frame order, so that each sample's float32 sum is rounded in the same order as
        // librosa's; the frames straddling two ranges are transformed by both, a few per
        // boundary.
        const double scale = 1.0 / n_fft_;  // numpy's irfft normalisation
        const auto workers = static_cast<int>(std::clamp<std::int64_t>(
            threads_, 1, std::max<std::int64_t>(1, (last - first) / (8 * n_fft_))));
        run_workers(workers, [&](int w) {
            const std::int64_t from = first + (last - first) * w / workers;
            const std::int64_t to = first + (last - first) * (w + 1) / workers;
            InverseRealFft fft(n_fft_);
            const std::int64_t frame_begin =
                std::max(first_frame, floor_div(from + half - n_fft_, hop_) + 1);
            const std::int64_t frame_end = std::min(frames_added_, ceil_div(to + half, hop_));
            for (std::int64_t frame = frame_begin; frame < frame_end; ++frame) {
                const auto* bins = frames.data() + (frame - first_frame) * bins_;
                auto input = fft.input();
                for (int k = 0; k < bins_; ++k) {
                    input[static_cast<std::size_t>(k)] = {bins[k].real(), bins[k].imag()};
                }
                fft.execute();
                const double* frame_signal = fft.output().data();
                const std::int64_t start = frame * hop_ - half;
                const std::int64_t i_begin = std::max<std::int64_t>(0, from - start);
                const std::int64_t i_end = std::min<std::int64_t>(n_fft_, to - start);
                for (std::int64_t i = i_begin; i < i_end; ++i) {
                    const auto at = static_cast<std::size_t>(start + i - base_);
                    const double taper = window_[static_cast<std::size_t>(i)];
                    sum_[at] = static_cast<float>(static_cast<double>(sum_[at]) +
                                                  taper * (frame_signal[i] * scale));
                    weight_[at] =
                        static_cast<float>(static_cast<double>(weight_[at]) + taper * taper);
                }
            }
        });
    }
    // No later frame reaches a sample before the next frame's start.
    hand_out(std::min(length_, frames_added_ * hop_ - half), out);
}

void IstftStream::finish(std::vector<float>& out) {
    hand_out(length_, out);
}

void IstftStream::hand_out(std::int64_t end, std::vector<float>& out) {
    if (end <= base_) {
        return;
    }
    if (base_ + static_cast<std::int64_t>(sum_.size()) < end) {
        sum_.resize(static_cast<std::size_t>(end - base_), 0.0F);  // samples no frame reaches
        weight_.resize(sum_.size(), 0.0F);
    }
    const auto n = static_cast<std::size_t>(end - base_);
    for (std::size_t i = 0; i < n; ++i) {
        const float weight = weight_[i];
        out.push_back(weight > std::numeric_limits<float>::min() ? sum_[i] / weight : sum_[i]);
    }
    sum_.erase(sum_.begin(), sum_.begin() + static_cast<std::ptrdiff_t>(n));
    weight_.erase(weight_.begin(), weight_.begin() + static_cast<std::ptrdiff_t>(n));
    base_ = end;
}

std::vector<float> istft(const ComplexStft& stft, std::int64_t length, int threads) {
    if (stft.hop < 1 || stft.n_fft < 2 || stft.bins != stft.n_fft / 2 + 1 ||
        static_cast<std::int64_t>(stft.values.size()) != stft.frames * stft.bins) {
        fail("inverse STFT of a malformed spectrogram (n_fft {}, hop {}, {} bins, {} frames)",
             stft.n_fft, stft.hop, stft.bins, stft.frames);
    }
    std::vector<float> y;
    y.reserve(static_cast<std::size_t>(std::max<std::int64_t>(length, 0)));
    IstftStream stream(stft.n_fft, stft.hop, length, threads);
    stream.add(stft.values, y);
    stream.finish(y);
    return y;
}

}  // namespace bgv::features
