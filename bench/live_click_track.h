// bench/live_click_track: click tracks for bench_live: short noise bursts at known times over
// digital silence, written as a WAV file that paplay plays into a PulseAudio null sink.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace bgv::bench {

// Click onsets in seconds from the file's start, increasing.
using ClickTimes = std::vector<double>;

// Clicks from `start` to `end` seconds, each gap drawn uniformly in [shortest, longest] seconds
// (seeded): no gap is a multiple of another, so each click lands at its own phase of the video
// frames and of the analysis hops.
ClickTimes irregular_clicks(double start, double end, double shortest, double longest,
                            std::uint64_t seed);

// Clicks every 60 / bpm seconds from `start` to `end`.
ClickTimes steady_clicks(double start, double end, double bpm);

// A 44.1 kHz 16-bit mono WAV of `seconds`: silence with a click at each time (a 10 ms white noise
// burst decaying with a 1.5 ms time constant, peak amplitude 0.7, starting at the click's sample).
void write_click_track(const std::filesystem::path& path, const ClickTimes& clicks, double seconds);

}  // namespace bgv::bench
