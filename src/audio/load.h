// audio/load: librosa.load(path, sr=22050, mono=True, duration=d) in C++: decode any file FFmpeg
// reads, mix to mono, cut, and resample with libsoxr, so that features see librosa's samples.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "resample/soxr_hq.h"

namespace bgv::audio {

struct Pcm {
    std::vector<float> samples;
    int sample_rate = 0;
};

// Decodes the first audio stream, mixes to mono (mean of the channels, before resampling), keeps
// the first max_seconds at the native rate when given (from start_seconds on: librosa's offset),
// then resamples to sample_rate (soxr HQ, librosa's output length). Throws bgv::Error naming the
// file for unusable input; a damaged or truncated file yields the audio before the damage and one
// warning.
Pcm load_mono(const std::filesystem::path& path, int sample_rate = 22050,
              std::optional<double> max_seconds = std::nullopt, double start_seconds = 0);

}  // namespace bgv::audio
