// features/cqt: librosa 0.10.2's constant-Q transform magnitude (cqt: frequency-domain filters per
// octave, early downsampling, soxr half-band resampling between octaves, length scaling).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace bgv::features {

struct CqtSpec {
    double fmin_hz = 0;  // 0: C1 (librosa's default), before the tuning correction
    int n_bins = 84;
    int bins_per_octave = 12;
    double tuning = 0;  // fraction of a bin
    double filter_scale = 1;
    double sparsity = 0.01;
};

struct CqtMagnitude {
    int n_bins = 0;
    std::int64_t frames = 0;
    std::vector<float> magnitude;  // n_bins × frames, row-major (bin, frame)
};

// C1 = MIDI note 24 in Hz (librosa.note_to_hz("C1")).
double c1_hz();

// np.abs(librosa.cqt(y, sr, hop_length, fmin, n_bins, bins_per_octave, tuning)) with the other
// parameters at their defaults (Hann window, norm 1, scale=True, pad_mode "constant",
// res_type "soxr_hq"), complex64 filters and a float32 signal between octaves as librosa keeps
// them.
CqtMagnitude cqt_magnitude(std::span<const float> samples, int sample_rate, int hop,
                           const CqtSpec& spec, int threads);

}  // namespace bgv::features
