// resample/soxr_hq: librosa's default resampling (res_type='soxr_hq': libsoxr driven as
// python-soxr's HQ recipe does, trimmed or padded to librosa's length), for audio/ and features/'
// CQT octaves.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace bgv::resample {

// librosa.resample(y, orig_sr=from_rate, target_sr=to_rate, res_type='soxr_hq'): the output holds
// ceil(n * to_rate / from_rate) samples. Equal rates return a copy.
std::vector<float> resample(std::span<const float> samples, int from_rate, int to_rate);

// The length librosa.resample gives for `input_length` samples.
std::int64_t resampled_length(std::int64_t input_length, int from_rate, int to_rate);

}  // namespace bgv::resample
