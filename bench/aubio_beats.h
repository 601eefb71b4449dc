// bench/aubio_beats: aubio's real-time tempo tracker (aubio_tempo_*, Davies & Plumbley's), the
// baseline bench_live_beats measures the live beat tracker against. Only the bench links aubio.
#pragma once

#include <span>
#include <vector>

namespace bgv::bench {

struct AubioRun {
    std::vector<double> beats;  // seconds, as aubio_tempo_get_last_s gives them when it fires
    std::vector<double> bpm;    // aubio_tempo_get_bpm at each beat
    double cpu_seconds = 0;
};

// aubio_tempo("default", window, hop, 22050) over mono 22050 Hz samples fed hop by hop, as a live
// input would feed it: a beat counts as declared at the time aubio reports when it fires.
AubioRun run_aubio_tempo(std::span<const float> samples, int window, int hop);

}  // namespace bgv::bench
