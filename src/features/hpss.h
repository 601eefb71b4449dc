// features/hpss: librosa's harmonic/percussive separation: median filters across time (harmonic)
// and across frequency (percussive), soft masks from them, applied to a spectrogram or a signal.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace bgv::features {

inline constexpr int kHpssKernel = 31;     // decompose.hpss's kernel_size, frames and bins
inline constexpr int kHpssFftSize = 2048;  // effects.hpss's STFT
inline constexpr int kHpssHop = kHpssFftSize / 4;

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

}  // namespace bgv::features
