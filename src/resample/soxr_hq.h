// audio/resample: sample-rate conversion with libsoxr, configured as librosa's default
// res_type='soxr_hq' (python-soxr's HQ recipe) and trimmed or padded to librosa's output length.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace bgv::audio {

// librosa.resample(y, orig_sr=from_rate, target_sr=to_rate, res_type='soxr_hq'): the output holds
// ceil(n * to_rate / from_rate) samples. Equal rates return a copy.
std::vector<float> resample(std::span<const float> samples, int from_rate, int to_rate);

// The length librosa.resample gives for `input_length` samples.
std::int64_t resampled_length(std::int64_t input_length, int from_rate, int to_rate);

}  // namespace bgv::audio
