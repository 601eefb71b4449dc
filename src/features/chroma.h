// features/chroma: librosa's chroma_cqt (a 7-octave, 36-bins-per-octave constant-Q magnitude from
// C1 with estimated tuning, folded to 12 pitch classes, each frame scaled to a maximum of 1).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "features/cqt.h"
#include "features/stft.h"

namespace bgv::features {

inline constexpr int kPitchClasses = 12;
inline constexpr int kChromaBinsPerOctave = 36;  // chroma_cqt's default
inline constexpr int kChromaOctaves = 7;

struct Chromagram {
    std::int64_t frames = 0;
    std::vector<float> chroma;  // 12 × frames, row-major (pitch class, frame); C = 0
    double tuning = 0;          // the tuning the constant-Q transform used
};

// filters.cq_to_chroma + the inf-norm per frame of librosa.feature.chroma_cqt, applied to a
// constant-Q magnitude whose lowest bin is C (bins_per_octave a multiple of 12). Frames whose
// maximum is below float32's smallest normal number stay as they are (all zeros for silence).
Chromagram chroma_from_cqt(const CqtMagnitude& cqt, int bins_per_octave);

// librosa.feature.chroma_cqt(y, sr, hop_length=hop): tuning estimated from the signal unless given.
// The constant-Q transform runs `block_frames` frames at a time (the same values whatever the
// block), so that only the chromagram grows with the song.
Chromagram chroma_cqt(std::span<const float> samples, int sample_rate, int hop,
                      std::optional<double> tuning, int threads,
                      std::int64_t block_frames = kBlockFrames);

// np.argsort(chroma.mean(axis=1))[::-1]: pitch classes by mean chroma, loudest first (ties: the
// higher pitch class first, as reversing numpy's stable sort of 12 values gives).
std::array<int, kPitchClasses> chroma_order(const Chromagram& chroma);

}  // namespace bgv::features
