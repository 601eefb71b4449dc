// features/octave_resample: the power-of-two downsampling of librosa's constant-Q transform
// (librosa.resample with res_type "soxr_hq", fix=True, scale=True), done with libsoxr.
#pragma once

#include <span>
#include <vector>

namespace bgv::features {

// librosa.resample(y, orig_sr=factor, target_sr=1, res_type="soxr_hq", scale=True): libsoxr's
// high-quality (20-bit, linear-phase) float32 resampler, as python-soxr drives it, cut or
// zero-padded to ceil(n / factor) samples and multiplied by sqrt(factor).
std::vector<float> downsample_soxr_hq(std::span<const float> samples, int factor);

}  // namespace bgv::features
