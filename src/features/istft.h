// features/istft: librosa's inverse short-time Fourier transform (istft with a periodic Hann
// window, centred frames, output cut to a length), overlap-added in float32 as librosa does.
#pragma once

#include <cstdint>
#include <vector>

#include "features/stft.h"

namespace bgv::features {

// librosa.istft(stft, n_fft=stft.n_fft, hop_length=stft.hop, length=length) of a complex64 STFT:
// each frame's inverse real FFT (in double, as numpy) times the window, summed into a float32
// signal frame by frame, then divided by the summed squared window wherever that exceeds
// float32's smallest normal number.
std::vector<float> istft(const ComplexStft& stft, std::int64_t length, int threads);

}  // namespace bgv::features
