// audio/sample_conversion: decoded samples of any FFmpeg sample format to float32 as librosa's
// readers give them: libsndfile's scaling, or audioread's pipe through 16-bit integers.
#pragma once

struct AVFrame;

namespace bgv::audio {

// Adds channel `channel` of `frame` to `sums` (frame.nb_samples values) in float32: libsndfile's
// float conversion (an integer scaled by 2^-(bits-1)), or, with `quantise` (librosa's audioread
// path), libswresample's conversion to s16 (truncating shifts, lrint for floats) then x / 32768.
// Throws bgv::Error for a sample format it does not know.
void add_channel(const AVFrame& frame, int channel, bool quantise, float* sums);

}  // namespace bgv::audio
