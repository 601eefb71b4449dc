// LiveFeatures' kicks on predicted beats: on steady click tracks the frame that kicks is the one
// nearest the click (within half a frame, early or late, plus the tracker's error), once per
// click, and a kick is never placed after the frame it is given to.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "live/audio_block.h"
#include "live/live_features.h"

using namespace bgv;

namespace {
constexpr double kRate = live::kLiveSampleRate;

// Clicks (a 5 ms decaying noise burst) every 60 / bpm seconds over silence, from 0.5 s on.
std::vector<float> click_track(double bpm, double seconds, std::vector<double>& clicks) {
    std::vector<float> samples(static_cast<std::size_t>(seconds * kRate), 0.0f);
    std::mt19937 random(3);
    std::uniform_real_distribution<float> noise(-1, 1);
    for (double t = 0.5; t < seconds - 0.1; t += 60 / bpm) {
        clicks.push_back(t);
        const auto first = static_cast<std::size_t>(std::lround(t * kRate));
        for (std::size_t i = 0; i < 110; ++i)
            samples[first + i] = 0.8f * std::exp(-static_cast<float>(i) / 30) * noise(random);
    }
    return samples;
}

double nearest(const std::vector<double>& times, double t) {
    double best = 1e9;
    for (const double x : times)
        best = std::abs(x - t) < std::abs(best) ? x - t : best;
    return best;
}
}  // namespace

TEST(LiveFeatures, KicksLandOnTheFrameNearestEachClickAtSeveralTempos) {
    constexpr double kFps = 24;
    constexpr double kSeconds = 30;
    constexpr double kAnalysisLag = 0.1;  // the picture is stepped this long before its sound
    constexpr double kSettle = 10;        // the tracker locks on clicks within a few seconds
    // Half a frame, plus the tracker's error on click tracks: its beats lie within 16 ms of the
    // clicks' librosa beat times (docs/live-analysis.md), which the kick moves one analysis frame
    // earlier, onto the attack; 16 ms + 2 ms of rounding.
    constexpr double kTolerance = 0.5 / kFps + 0.018;
    for (const double bpm : {96.0, 117.0, 140.0}) {
        SCOPED_TRACE(bpm);
        std::vector<double> clicks;
        const std::vector<float> samples = click_track(bpm, kSeconds, clicks);
        live::LiveFeatures features(kFps);
        std::size_t pushed = 0;
        std::vector<double> kicking;  // input seconds of the frames that kicked on a beat
        for (int k = 1; k / kFps < kSeconds; ++k) {
            const double frame_seconds = k / kFps;
            const auto until = static_cast<std::size_t>(
                std::clamp((frame_seconds - kAnalysisLag) * kRate, 0.0, double(samples.size())));
            if (until > pushed) {
                features.push(static_cast<std::int64_t>(pushed),
                              std::span(samples).subspan(pushed, until - pushed));
                pushed = until;
            }
            if (!features.has_sound())
                continue;
            live::FrameFeaturesInfo info;
            const auto frame = features.features_for(frame_seconds, 0.0, info);
            for (const auto& kick : frame.kicks) {
                if (kick.beat) {
                    EXPECT_LE(kick.seconds, frame_seconds + 1e-9) << "a kick after its frame";
                }
            }
            if (info.beat && frame_seconds >= kSettle)
                kicking.push_back(frame_seconds);
        }
        // Every kicking frame is within the tolerance of a click, and every click after the
        // settling time (and before the last frame) has exactly one.
        for (const double t : kicking)
            EXPECT_LE(std::abs(nearest(clicks, t)), kTolerance) << "a kick at " << t << " s";
        for (const double click : clicks) {
            if (click < kSettle + kTolerance || click > kSeconds - 1)
                continue;
            int kicks = 0;
            for (const double t : kicking)
                kicks += std::abs(t - click) <= kTolerance ? 1 : 0;
            EXPECT_EQ(kicks, 1) << "the click at " << click << " s";
        }
    }
}
