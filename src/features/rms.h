// features/rms: librosa's root-mean-square loudness per frame (feature.rms of a signal), the
// energy curve of a song and of its harmonic and percussive parts.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "features/stft.h"

namespace bgv::features {

inline constexpr int kRmsFrameLength = 2048;  // feature.rms's default frame_length

// librosa.feature.rms(y=samples, hop_length=hop)[0]: sqrt of the mean square over 2048 samples
// centred on each multiple of the hop (zeros beyond the ends), 1 + samples / hop frames.
std::vector<float> rms(std::span<const float> samples, int hop);

// Frames [first, end) of rms() of the signal `signal` is part of, into `out`; the window must hold
// the samples those frames read.
void rms_frames(const SignalWindow& signal, int hop, std::int64_t first, std::int64_t end,
                std::span<float> out);

}  // namespace bgv::features
