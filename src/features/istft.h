// features/istft: librosa's inverse short-time Fourier transform (istft with a periodic Hann
// window, centred frames, output cut to a length), overlap-added in float32 as librosa does, whole
// or fed frame by frame.
#pragma once

#include <complex>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "features/stft.h"

namespace bgv::features {

// librosa.istft(stft, n_fft=stft.n_fft, hop_length=stft.hop, length=length) of a complex64 STFT:
// each frame's inverse real FFT (in double, as numpy) times the window, summed into a float32
// signal frame by frame, then divided by the summed squared window wherever that exceeds
// float32's smallest normal number.
std::vector<float> istft(const ComplexStft& stft, std::int64_t length, int threads);

// The same inverse fed a few frames at a time, in order: each sample is summed over its frames in
// the same order and handed out as soon as no later frame reaches it, so memory holds one frame's
// span of samples beyond what was handed out. The samples equal istft()'s bit for bit.
class IstftStream {
  public:
    IstftStream(int n_fft, int hop, std::int64_t length, int threads);
    ~IstftStream();
    IstftStream(const IstftStream&) = delete;
    IstftStream& operator=(const IstftStream&) = delete;

    // Frames [first, first + count) (n_fft/2 + 1 complex64 bins each, frame after frame), where
    // `first` is the number of frames added so far; appends the samples now final to `out`.
    void add(std::span<const std::complex<float>> frames, std::vector<float>& out);
    // After the last frame: appends the rest of the `length` samples.
    void finish(std::vector<float>& out);
    // Samples handed out so far.
    std::int64_t handed_out() const { return base_; }

  private:
    void hand_out(std::int64_t end, std::vector<float>& out);

    int n_fft_;
    int hop_;
    int bins_;
    std::int64_t length_;
    int threads_;
    std::vector<double> window_;
    std::int64_t frames_added_ = 0;
    std::int64_t base_ = 0;      // signal index of sum_[0]
    std::vector<float> sum_;     // the overlap-add of the frames so far, from base_ on
    std::vector<float> weight_;  // the summed squared window, alike
};

}  // namespace bgv::features
