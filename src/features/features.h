// features/features: every audio feature the vectors follow (mel power, chroma, their per-frame
// summaries and the pitch-class order), computed from mono samples exactly as librosa 0.10.2 does.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "features/mel.h"
#include "features/stft.h"

namespace bgv::features {

// The rate every feature is computed at: librosa.load's default, which the original tool used.
inline constexpr int kSampleRate = 22050;

// Pitch-class names in chroma row order.
inline constexpr std::array<const char*, 12> kPitchNames = {"C",  "C#", "D",  "D#", "E",  "F",
                                                            "F#", "G",  "G#", "A",  "A#", "B"};

struct Features {
    int sample_rate = 0;
    int hop = 0;
    std::int64_t frames = 0;
    std::vector<float> mel;          // 128 × frames, row-major (band, frame), power; empty when
                                     // FeatureOptions::keep_mel is false
    std::vector<float> chroma;       // 12 × frames, each frame's max = 1 (all 0 when silent)
    std::vector<float> spec_mean;    // frames: (m - min) / (max - min) of mel's mean over bands
    std::vector<float> grad_mean;    // frames: clip(gradient(m) / max(gradient(m)), 0, inf)
    std::array<int, 12> chromasort;  // pitch classes by mean chroma, loudest first
    double tuning = 0;               // estimated tuning (fraction of a constant-Q bin)
};

struct FeatureOptions {
    // The mel spectrogram itself (`bigganviz analyze` saves it); the choreographies need only
    // its summaries, and without it memory holds a few values per frame (5 MB an hour).
    bool keep_mel = true;
    // Frames each blocked pass (the constant-Q transform) handles at a time; any value gives
    // the same features.
    std::int64_t block_frames = kBlockFrames;
};

// Mel spectrogram (n_fft 2048, 128 Slaney bands up to 8 kHz), chroma_cqt with estimated tuning,
// and their summaries, for frames centred every `hop` samples: 1 + samples.size() / hop frames.
// Uses the machine's cores. Beyond the samples, memory holds the outputs, the tuning's spectral
// peaks (about 30 MB an hour of music) and a block of the constant-Q transform. Throws
// bgv::Error for an empty signal or a hop below 1.
Features compute_features(std::span<const float> samples, int sample_rate, int hop,
                          const FeatureOptions& options = {});

}  // namespace bgv::features
