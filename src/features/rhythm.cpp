#include "features/rhythm.h"

#include <algorithm>
#include <optional>

#include "core/assert.h"
#include "core/error.h"
#include "features/beat.h"
#include "features/chroma.h"
#include "features/hpss.h"
#include "features/onset.h"
#include "features/plp.h"
#include "features/rms.h"
#include "features/stft.h"

namespace bgv::features {

Rhythm compute_rhythm(std::span<const float> mono_22050, int hop) {
    if (hop < 1) {
        fail("hop must be at least 1 sample, not {}", hop);
    }
    if (mono_22050.empty()) {
        fail("no audio samples to analyse");
    }
    constexpr int kRate = kSampleRate;
    const int threads = feature_threads();
    Rhythm rhythm;
    rhythm.hop = hop;
    rhythm.frames = stft_frame_count(static_cast<std::int64_t>(mono_22050.size()), hop);

    const auto parts = hpss_signals(mono_22050, threads);
    rhythm.onset_env = onset_strength(mono_22050, kRate, hop, threads);
    rhythm.onset_env_percussive = onset_strength(parts.percussive, kRate, hop, threads);
    auto beats = beat_track(rhythm.onset_env, kRate, hop);
    rhythm.tempo = beats.tempo;
    rhythm.beats = std::move(beats.beats);
    rhythm.onsets = onset_detect(rhythm.onset_env, kRate, hop);
    rhythm.plp = plp(rhythm.onset_env, kRate, hop, threads);
    rhythm.rms = rms(mono_22050, hop);
    rhythm.rms_h = rms(parts.harmonic, hop);
    rhythm.rms_p = rms(parts.percussive, hop);

    // The constant-Q transform keeps at least the STFT's frames (more when early downsampling
    // rounds the octaves' lengths up); the extra ones are cut as compute_features cuts them.
    const auto chroma = chroma_cqt(parts.harmonic, kRate, hop, std::nullopt, threads);
    BGV_ASSERT(chroma.frames >= rhythm.frames, "chroma has {} frames, fewer than {}", chroma.frames,
               rhythm.frames);
    rhythm.chroma_h.resize(static_cast<std::size_t>(kPitchClasses * rhythm.frames));
    for (int c = 0; c < kPitchClasses; ++c) {
        std::copy_n(chroma.chroma.begin() + c * chroma.frames, rhythm.frames,
                    rhythm.chroma_h.begin() + c * rhythm.frames);
    }
    return rhythm;
}

}  // namespace bgv::features
