// features/hpss: librosa's harmonic/percussive separation: median filters across time (harmonic)
// and across frequency (percussive), soft masks from them, applied to a spectrogram or a signal,
// whole or block by block.
#pragma once

#include <complex>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "features/istft.h"

namespace bgv::features {

inline constexpr int kHpssKernel = 31;     // decompose.hpss's kernel_size, frames and bins
inline constexpr int kHpssFftSize = 2048;  // effects.hpss's STFT
inline constexpr int kHpssHop = kHpssFftSize / 4;
inline constexpr int kHpssBins = kHpssFftSize / 2 + 1;
// STFT frames the separation handles at a time (12 s of audio): its buffers are a few of these
// blocks of 1025 bins, about 20 MB in all.
inline constexpr std::int64_t kHpssBlockFrames = 512;

struct HpssParts {
    std::vector<float> harmonic;
    std::vector<float> percussive;
};

// librosa.decompose.hpss(S) (kernel 31, power 2, margin 1) on a magnitude spectrogram stored
// frame-major (frames × bins, each frame's bins contiguous); the parts come in the same layout.
HpssParts hpss_magnitudes(std::span<const float> magnitude, std::int64_t frames, int bins,
                          int threads);

// librosa.effects.hpss(y): the STFT (n_fft 2048, hop 512) split by decompose.hpss's masks, each
// part inverted to a signal of the input's length.
HpssParts hpss_signals(std::span<const float> samples, int threads);

// librosa.effects.hpss(y) made from the STFT's frames as they come: a frame is separated once the
// 15 frames after it (half the time median's kernel) have arrived, and each part's samples are
// handed out as soon as they are final. Memory holds a block of frames and their context, not
// the song's spectrogram; the parts equal hpss_signals' bit for bit.
class HpssStream {
  public:
    // `length`: the signal's samples (its STFT has 1 + length / 512 frames).
    HpssStream(std::int64_t length, int threads);
    ~HpssStream();
    HpssStream(const HpssStream&) = delete;
    HpssStream& operator=(const HpssStream&) = delete;

    std::int64_t frames() const { return frames_; }
    // The next frames of y's STFT (complex64 as librosa keeps it, kHpssBins values each, frame
    // after frame); appends the harmonic and percussive samples now final.
    void add(std::span<const std::complex<float>> stft_frames, std::vector<float>& harmonic,
             std::vector<float>& percussive);
    // After the last frame: the rest of both parts.
    void finish(std::vector<float>& harmonic, std::vector<float>& percussive);

  private:
    void separate(std::int64_t end, std::vector<float>& harmonic, std::vector<float>& percussive);

    std::int64_t frames_;
    int threads_;
    std::int64_t received_ = 0;
    std::int64_t separated_ = 0;
    std::int64_t window_first_ = 0;  // STFT frame of window_[0]
    std::vector<std::complex<float>> window_;
    std::vector<float> magnitude_;  // of window_
    IstftStream harmonic_stream_;
    IstftStream percussive_stream_;
    // Scratch, reused block after block.
    std::vector<float> percussive_filtered_, extended_, harmonic_filtered_;
    std::vector<std::complex<float>> part_;
};

}  // namespace bgv::features
