// bench/live_log_analysis: what bench_live measures from a `bigganviz live --frame_log` CSV: where
// a click track sits in the input, the click-to-picture latency, where the kicks land against
// the true beats, and the steadiness of the shown frames.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "live_click_track.h"

namespace bgv::bench {

// One row of the frame log (docs/live.md, "Status line and frame log").
struct LoggedFrame {
    std::int64_t frame = 0;
    double audio_time = 0;  // input seconds: the centre of the analysis frame the picture followed
    double shown_time = 0;  // session seconds when it was shown
    double latency_ms = 0;  // shown minus when the newest sample that analysis frame saw was heard
    bool beat = false;
    double tempo = 0;
    double power = 0;  // the analysis frame's mean mel power
};

std::vector<LoggedFrame> read_frame_log(const std::filesystem::path& path);

// The input second of the newest sample a row's analysis frame saw (its centre + n_fft / 2).
double newest_input_second(const LoggedFrame& row);
// The session second at which input second `input` was heard, from the row whose newest sample is
// nearest to it (each row says when its newest sample was heard: shown_time - latency).
double heard_at(const std::vector<LoggedFrame>& rows, double input);

// Where the click track starts in the input: the offset (input second of the track's time 0)
// whose clicks best explain the logged power. A click of energy A at a point of the analysis
// frame's periodic Hann window w gives the frame a mel power ∝ A·w², so the model's power is
// Σ w(click)², and the offset is the one maximising its correlation with the logged power
// (searched every 5 ms, then every 0.05 ms around the best).
struct ClickAlignment {
    double offset = 0;
    double correlation = 0;
    double click_power = 0;  // A: a click's power at the window's centre, by least squares
};
ClickAlignment align_clicks(const std::vector<LoggedFrame>& rows, const ClickTimes& clicks);

// For each click (input seconds) from `from` on: the session seconds from when it was heard to
// the first shown frame whose power reached `threshold` (rows before the next click only);
// clicks with no such frame are counted in `missed`.
struct ClickLatencies {
    std::vector<double> seconds;
    // Its two parts: from the click to the newest sample of the reacting frame's analysis frame
    // (the click must lie inside the window by the threshold; frames stepped before the click
    // was analysed do not react), and from when that sample was heard to the frame on screen
    // (the frame log's latency: the samples not yet analysed at the step, capture, the step's
    // lead of one frame's making + 15 ms, a late frame).
    std::vector<double> analysis_seconds, frame_seconds;
    int missed = 0;
};
ClickLatencies click_latencies(const std::vector<LoggedFrame>& rows, const ClickTimes& clicks,
                               double threshold);

// For each true beat (input seconds): the session seconds from when it was heard to the nearest
// shown frame with `beat` set, if one lies within half the beat period; else it is missed.
// `extra` counts the kicking frames matched to no beat.
struct KickOffsets {
    std::vector<double> seconds;
    int missed = 0;
    int extra = 0;
};
KickOffsets kick_offsets(const std::vector<LoggedFrame>& rows, const ClickTimes& beats,
                         double period);

}  // namespace bgv::bench
