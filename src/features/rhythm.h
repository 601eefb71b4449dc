// features/rhythm: the rhythm analysis a beat-driven choreography follows (harmonic/percussive
// separation, onsets, beats, tempo, pulse, loudness, harmonic chroma) exactly as librosa 0.10.2.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "features/features.h"

namespace bgv::features {

// Every curve has one value per frame: frames = 1 + samples / hop, frame t centred on sample
// t * hop. Names are those of the fixture manifest (shared/fixtures/librosa/rhythm).
struct Rhythm {
    double tempo = 0;                         // BPM (librosa.beat.beat_track); 0 for silence
    std::vector<std::int64_t> beats;          // frame indices at `hop`, increasing
    std::vector<std::int64_t> onsets;         // frame indices at `hop` (onset_detect), increasing
    std::vector<float> onset_env;             // onset_strength of the song
    std::vector<float> onset_env_percussive;  // onset_strength of its percussive part
    std::vector<float> plp;                   // predominant local pulse, max 1 (0 for silence)
    std::vector<float> rms, rms_h, rms_p;     // RMS of the song, its harmonic and percussive part
    std::vector<float> chroma_h;  // chroma_cqt of the harmonic part: 12 × frames, row-major
                                  // (pitch class, frame), the layout of Features::chroma
    std::int64_t frames = 0;      // the curves' length
    int hop = 0;                  // samples between frames
};

// librosa 0.10.2's rhythm features of a mono signal at 22050 Hz, frames every `hop` samples
// (the calls of make_rhythm_fixtures.py): effects.hpss(y) at n_fft 2048, hop 512; onset_strength
// of y and y_p, onset_detect, beat_track and plp of y's onset envelope, rms of y, y_h and y_p,
// and chroma_cqt(y_h). Uses the machine's cores. Throws bgv::Error for an empty signal or a hop
// below 1.
Rhythm compute_rhythm(std::span<const float> mono_22050, int hop);

}  // namespace bgv::features
