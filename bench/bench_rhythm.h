// bench/bench_rhythm: the rhythm analysis part of bench_features (compute_rhythm and its steps on
// a song, against librosa 0.10.2's same calls timed in the same run when an oracle is present).
#pragma once

#include <span>

namespace bgv::bench {

// Times compute_rhythm(song, hop) and each of its steps, prints them, and when LIBROSA_ORACLE is
// set runs bench/librosa_rhythm_time.py on the same samples and prints both and their ratios.
// Returns false when the oracle was asked for but gave no timings.
bool bench_rhythm(std::span<const float> song, int hop);

}  // namespace bgv::bench
