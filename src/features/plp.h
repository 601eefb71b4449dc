// features/plp: librosa 0.10.2's predominant local pulse (Grosche and Müller): the strongest
// tempo of each frame's Fourier tempogram between 30 and 300 BPM, resynthesised and overlap-added.
#pragma once

#include <span>
#include <vector>

namespace bgv::features {

// librosa.beat.plp(onset_envelope=envelope, sr, hop_length=hop): the STFT of the envelope
// (384 frames, hop 1), every bin but each frame's strongest by log1p(1e6 |X|) within 30–300 BPM
// zeroed, each frame divided by the magnitude of its largest bin in numpy's (real, imaginary)
// order plus sqrt(float32 tiny), inverted, half-wave rectified and scaled to a maximum of 1
// (left at 0 when silent).
std::vector<float> plp(std::span<const float> envelope, int sample_rate, int hop, int threads);

}  // namespace bgv::features
