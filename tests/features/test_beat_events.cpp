// BeatEvents: the file render's events put each beat in the first frame at or after it and scale
// the strength by the song's largest; the live events flag the frames of a click track's beats
// ahead of the audio (100 ms of pipeline latency) and no others, with the beats' strength.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/error.h"
#include "features/beat_events.h"
#include "features/beat_predictor.h"
#include "features/features.h"
#include "features/stream_analysis.h"

namespace bgv::features {
namespace {

TEST(BeatEvents, FromTheFileRendersRhythm) {
    TimedRhythm timed;
    timed.rhythm.frames = 10;
    timed.rhythm.onset_env_percussive = {0, 1, 2, 4, 8, 4, 2, 1, 0, 0};
    // At 10 fps: a beat at a frame's own time (0.1 s, as a beat found at that frame is placed),
    // one between frames (0.25 s: shown from frame 3), one past the last frame.
    timed.beat_seconds = {0.1, 0.25, 0.95};
    const auto events = beat_events_from_rhythm(timed, FrameRate{10, 1});
    ASSERT_EQ(events.size(), 10U);
    for (std::size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(events[i].beat, i == 1 || i == 3) << i;
        EXPECT_FLOAT_EQ(events[i].strength, timed.rhythm.onset_env_percussive[i] / 8.0F) << i;
    }
    TimedRhythm wrong = timed;
    wrong.rhythm.onset_env_percussive.pop_back();
    EXPECT_THROW(beat_events_from_rhythm(wrong, FrameRate{10, 1}), bgv::Error);
}

// A 120 BPM click track at 30 fps with the picture 100 ms ahead of the analysis: once the
// predictor is locked, each click's frame (the first at or after librosa's beat time, which lies
// 23-25 ms after the click, test_beat_predictor) or its neighbour is flagged, nothing else is,
// and a flagged frame carries the clicks' scaled strength: each click's peak over the loudest of
// the last 10 s, below 1 only by where the click falls between analysis frames (measured 0.81).
TEST(BeatEvents, LiveFlagsThePredictedBeatsAheadOfTheAudio) {
    constexpr int kRate = kSampleRate;
    constexpr double kFps = 30;
    constexpr double kLatency = 0.1;
    const double seconds = 30;
    std::vector<float> samples(static_cast<std::size_t>(seconds * kRate), 0.0F);
    std::vector<double> clicks;
    for (double t = 0.5; t < seconds - 0.5; t += 0.5) {
        clicks.push_back(t);
        const auto start = static_cast<std::size_t>(std::lround(t * kRate));
        for (std::size_t k = 0; k < 600; ++k) {
            const double s = static_cast<double>(k) / kRate;
            samples[start + k] += static_cast<float>(
                0.8 * std::sin(2 * std::numbers::pi * 1000 * s) * std::exp(-s / 0.007));
        }
    }
    std::vector<AnalysisFrame> frames;
    StreamAnalyzer analyzer;
    const auto keep = [&](const AnalysisFrame& f) { frames.push_back(f); };
    analyzer.push(samples, keep);
    analyzer.finish(keep);

    BeatPredictor predictor(kRate, 512);
    LiveBeatEvents events(kFps);
    std::size_t next = 0;
    int flagged_on_clicks = 0, flagged_elsewhere = 0, clicks_scored = 0;
    double beat_strength = 0;
    for (int i = 0; i < static_cast<int>(seconds * kFps); ++i) {
        const double t = i / kFps;
        for (; next < frames.size() && frames[next].ready_seconds <= t - kLatency; ++next) {
            predictor.push(frames[next].onset_index, frames[next].onset);
            events.observe(frames[next], predictor);
        }
        const auto event = events.event(t, predictor);
        if (!predictor.locked() || !event.beat || t > clicks.back() + 0.25) {
            continue;  // (the grid goes on past the last click until it notices the silence)
        }
        // The frame nearest librosa's beat (click + 24 ms) or one of its neighbours.
        bool near_click = false;
        for (const double c : clicks) {
            near_click = near_click || std::abs((c + 0.024) * kFps - i) <= 1.0;
        }
        (near_click ? flagged_on_clicks : flagged_elsewhere)++;
        beat_strength = event.strength;
    }
    for (const double c : clicks) {
        clicks_scored += c > 8 ? 1 : 0;  // locked by then (test_beat_predictor: within 8 s)
    }
    fmt::print("{} beat frames on clicks ({} clicks after 8 s), {} elsewhere, strength {:.2f}\n",
               flagged_on_clicks, clicks_scored, flagged_elsewhere, beat_strength);
    EXPECT_GE(flagged_on_clicks, clicks_scored);
    EXPECT_EQ(flagged_elsewhere, 0);
    EXPECT_GT(beat_strength, 0.6F);
}

}  // namespace
}  // namespace bgv::features
