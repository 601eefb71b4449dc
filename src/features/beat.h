// features/beat: librosa 0.10.2's tempo estimate (autocorrelation tempogram with a log-normal
// prior around 120 BPM) and beat tracker (Ellis' dynamic program, weak end beats trimmed).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace bgv::features {

// librosa.feature.tempo(onset_envelope=envelope, sr, hop_length=hop) with its defaults: the
// Hann-windowed autocorrelation over 8 s (tempogram, each frame scaled to a maximum of 1),
// averaged over frames, weighted by a Gaussian in log2(BPM) around 120 (std 1 octave), tempi of
// 320 BPM and above excluded. Returns BPM.
double estimate_tempo(std::span<const float> envelope, int sample_rate, int hop);

struct BeatTrack {
    double tempo = 0;                 // BPM; 0 when the envelope is all zeros
    std::vector<std::int64_t> beats;  // frame indices, increasing
};

// librosa.beat.beat_track(onset_envelope=envelope, sr, hop_length=hop): tempo by estimate_tempo,
// then the dynamic program (tightness 100) over the envelope scaled by its standard deviation and
// smoothed by a Gaussian of the beat period, the last beat chosen among the cumulative score's
// peaks above half their median, and leading and trailing beats at frames whose local score is at
// most half the RMS of the smoothed beat scores removed.
BeatTrack beat_track(std::span<const float> envelope, int sample_rate, int hop);

}  // namespace bgv::features
