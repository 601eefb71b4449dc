// features/rms: librosa's root-mean-square loudness per frame (feature.rms of a signal), the
// energy curve of a song and of its harmonic and percussive parts.
#pragma once

#include <span>
#include <vector>

namespace bgv::features {

inline constexpr int kRmsFrameLength = 2048;  // feature.rms's default frame_length

// librosa.feature.rms(y=samples, hop_length=hop)[0]: sqrt of the mean square over 2048 samples
// centred on each multiple of the hop (zeros beyond the ends), 1 + samples / hop frames.
std::vector<float> rms(std::span<const float> samples, int hop);

}  // namespace bgv::features
