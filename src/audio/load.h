// audio/load: librosa.load(path, sr=22050, mono=True, offset=s, duration=d) in C++: decode any
// file FFmpeg reads, mix to mono, cut, and resample with libsoxr, so that features see librosa's
// samples; as a stream, so that only the result is held.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "audio/decode.h"
#include "resample/soxr_hq.h"

namespace bgv::audio {

struct Pcm {
    std::vector<float> samples;
    int sample_rate = 0;
};

// Decodes `section` of the first audio stream (see decode_section: start, duration and the
// --max_duration limit), mixes to mono (mean of the channels, before resampling) and resamples
// to sample_rate (soxr HQ, librosa's output length) packet by packet: memory holds the result
// and a packet, never the song at its own rate. Throws bgv::Error naming the file for unusable
// input; a damaged or truncated file yields the audio before the damage and one warning.
Pcm load_mono(const std::filesystem::path& path, int sample_rate, const Section& section);

// The same with librosa's duration and offset only (no duration limit).
Pcm load_mono(const std::filesystem::path& path, int sample_rate = 22050,
              std::optional<double> max_seconds = std::nullopt, double start_seconds = 0);

}  // namespace bgv::audio
