// features/analysis: a song's features and rhythm in passes that share what they can (the mel
// spectrogram, both onset envelopes, the tuning estimate and the separation read one 2048-sample
// Hann STFT) and hold memory bounded per minute of audio, whatever the song's length.
#pragma once

#include <cstdint>
#include <span>

#include "features/features.h"
#include "features/rhythm.h"

namespace bgv::features {

struct AnalysisParts {
    bool features = true;  // compute_features: what the seed choreography follows
    bool rhythm = false;   // compute_rhythm: what the beat choreography follows (22050 Hz only)
};

struct SongAnalysis {
    Features features;  // empty (0 frames) unless asked for
    Rhythm rhythm;      // empty (0 frames) unless asked for
};

// compute_features and compute_rhythm of the same samples at `hop`, each the values it gives
// alone, with the STFT frames they share computed once: at hop 512 one STFT feeds the mel
// spectrogram, the tuning estimate, the song's onset envelope and the harmonic/percussive
// separation; at another hop the tuning estimate and the separation read a second one at 512.
// Beyond the samples, memory holds the outputs, the separated harmonic part (as long
// as the song: the constant-Q transform of it needs its tuning first), the two onset envelopes'
// spectrograms in dB (128 values a frame), the tuning estimates' peaks, and a few blocks of
// frames; never a whole STFT or a whole constant-Q transform. Uses the machine's cores. Throws
// bgv::Error for an empty signal, a hop below 1, or the rhythm of audio not at 22050 Hz.
SongAnalysis analyse_song(std::span<const float> samples, int sample_rate, int hop,
                          const AnalysisParts& parts, const FeatureOptions& options = {});

}  // namespace bgv::features
