// LiveFeatures' kicks on predicted beats: on steady click tracks the frame that kicks is the one
// nearest the click (within half a frame, early or late, plus the tracker's error), once per
// click, a kick is never placed after the frame it is given to, and which frames will kick is
// foreseen (beat_expected) two frames ahead. Its attacks: one per click,
// known soon after the click is heard, and a second after silence when the first showed only a
// sliver of the click; with the sound analysed ahead of its playback (a file), nothing is shown or
// reported before it is heard.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <vector>

#include "live/audio_block.h"
#include "live/live_features.h"
#include "resample/soxr_hq.h"

using namespace bgv;

namespace {
constexpr double kRate = live::kLiveSampleRate;

// Clicks (a 5 ms decaying noise burst) every 60 / bpm seconds over silence, from 0.5 s on; with
// `jitter`, each gap is drawn from 60 / bpm ± jitter seconds.
std::vector<float> click_track(double bpm, double seconds, std::vector<double>& clicks,
                               double jitter = 0) {
    std::vector<float> samples(static_cast<std::size_t>(seconds * kRate), 0.0f);
    std::mt19937 random(3);
    std::uniform_real_distribution<float> noise(-1, 1);
    std::uniform_real_distribution<double> gap(-jitter, jitter);
    for (double t = 0.5; t < seconds - 0.1; t += 60 / bpm + gap(random)) {
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

// Pushes the block of `block_seconds` after the first `pushed` samples, as a capture delivers
// sound; returns how many samples are pushed then.
std::size_t push_block(live::LiveFeatures& features, const std::vector<float>& samples,
                       std::size_t pushed, double block_seconds) {
    const std::size_t until =
        std::min(samples.size(), pushed + static_cast<std::size_t>(block_seconds * kRate));
    features.push(static_cast<std::int64_t>(pushed),
                  std::span(samples).subspan(pushed, until - pushed));
    return until;
}

// Every click has exactly one attack within `latest` after it, and there is no other attack;
// returns each click's delay.
std::vector<double> expect_one_attack_per_click(const std::vector<double>& clicks,
                                                const std::vector<double>& attacks, double latest) {
    std::vector<double> delays;
    for (const double click : clicks) {
        int near = 0;
        for (const double t : attacks) {
            if (t >= click && t - click <= latest) {
                ++near;
                delays.push_back(t - click);
            }
        }
        EXPECT_EQ(near, 1) << "the click at " << click << " s";
    }
    EXPECT_EQ(attacks.size(), clicks.size());
    return delays;
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
        std::map<int, bool> expected_ahead;
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
            // What a session asks before it steps a frame: will it kick? Asked now and two
            // frames ahead (a slow generator's look-ahead, live/frame_ask), before sound comes.
            const bool expected_now = features.beat_expected(frame_seconds);
            expected_ahead[k + 2] = features.beat_expected((k + 2) / kFps);
            live::FrameFeaturesInfo info;
            const auto frame = features.features_for(frame_seconds, 0.0, info);
            if (frame_seconds >= kSettle) {
                EXPECT_EQ(expected_now, info.beat) << "at " << frame_seconds << " s";
                EXPECT_EQ(expected_ahead[k], info.beat) << "two frames before " << frame_seconds;
            }
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

// An attack is known at the end of the block that brings the click kRisen inside the window
// ending at the newest sample (Hann-weighted, its power rises through 2 % of the click's after
// ~12 ms; 15 ms allowed): the onset strength and the power are looked for in that window at each
// block, not only every analysis frame (512 samples). Measured: looking only every analysis frame,
// a median of 34 ms and a maximum of 45; the power alone between frames, 19 and 33.
constexpr double kBlock = 0.01, kRisen = 0.015;
constexpr double kLatest = kRisen + kBlock;

// Clicks at irregular gaps (0.5-0.7 s: no beat to predict), the sound pushed in 10 ms blocks as a
// capture delivers it, a frame stepped every 1/24 s: every click raises one attack, within
// kLatest of being heard (the end of the block that carried it), with the picture's power risen
// (≥ 0.02 of its range, live_features.cpp), and nothing else raises one.
TEST(LiveFeatures, AnAttackIsHeardSoonAfterEachClickAndOnlyThen) {
    constexpr double kFps = 24, kSeconds = 20;
    std::vector<double> clicks;
    const std::vector<float> samples = click_track(100, kSeconds, clicks, 0.1);
    live::LiveFeatures features(kFps);
    std::vector<double> attacks;  // input seconds at which each attack was known
    double next_frame = 0;
    for (std::size_t pushed = 0; pushed < samples.size();) {
        pushed = push_block(features, samples, pushed, kBlock);
        const double now = static_cast<double>(pushed) / kRate;
        if (features.attack_heard(now))
            attacks.push_back(now);
        if (features.has_sound() && (features.attack_heard(now) || now >= next_frame)) {
            const bool attack = features.attack_heard(now);
            live::FrameFeaturesInfo info;
            const auto frame = features.features_for(now, 0.0, info);
            EXPECT_FALSE(features.attack_heard(now));
            if (attack) {  // the picture's power has risen: the frame shows the click
                EXPECT_GE(frame.power, 0.02) << "the attack at " << now << " s";
            }
            next_frame = now + 1 / kFps;
        }
    }
    std::vector<double> delays = expect_one_attack_per_click(clicks, attacks, kLatest);
    std::sort(delays.begin(), delays.end());
    ASSERT_FALSE(delays.empty());
    std::printf("attack known after the click: min %.1f, median %.1f, max %.1f ms\n",
                delays.front() * 1000, delays[delays.size() / 2] * 1000, delays.back() * 1000);
}

// A file input is analysed ahead of its playback (live/file_playback: the playback buffer): the
// sound is pushed kReadAhead before it is heard, a frame stepped every 1/24 s for the sound heard
// then. No frame shows a sound before it is heard (its newest sample at most the frame's time),
// every attack is reported once its click is heard and not before, each within kLatest of it as
// for a capture and one block more (the heard position, kReadAhead behind the sound pushed, also
// moves a block at a time: 2205 samples are 10.02 blocks), and an onset between frames kicks no
// frame before its own time. Before frames chose the sound heard by them, the newest analysis (up
// to kReadAhead early) was shown; before the first analysis frame was heard, that frame (its
// newest sample 46 ms later).
TEST(LiveFeatures, AFileReadAheadShowsNoSoundBeforeItIsHeard) {
    constexpr double kFps = 24, kSeconds = 20, kReadAhead = 0.1;
    constexpr double kFirstHeard = 1024 / kRate;  // the first analysis frame's newest sample
    std::vector<double> clicks;
    const std::vector<float> samples = click_track(100, kSeconds, clicks, 0.1);
    live::LiveFeatures features(kFps);
    std::vector<double> attacks;  // heard seconds at which each attack was reported
    double next_frame = 0;
    double latest_shown = -1;  // the newest sample any frame showed
    int silent_frames = 0;     // asked for before the first analysis frame is heard
    for (std::size_t pushed = 0; pushed < samples.size();) {
        pushed = push_block(features, samples, pushed, kBlock);
        const double heard = static_cast<double>(pushed) / kRate - kReadAhead;
        if (heard < 0)
            continue;
        const bool attack = features.attack_heard(heard);
        if (attack)
            attacks.push_back(heard);
        if (attack || heard >= next_frame) {
            live::FrameFeaturesInfo info;
            const auto frame = features.features_for(heard, 0.0, info);
            EXPECT_LE(info.newest_sample, heard + 1e-9) << "a frame at " << heard << " s";
            if (heard < kFirstHeard) {  // no analysis frame heard yet: silence
                EXPECT_EQ(info.newest_sample, 0.0) << "a frame at " << heard << " s";
                EXPECT_EQ(frame.power, 0.0);
                ++silent_frames;
            }
            latest_shown = std::max(latest_shown, info.newest_sample);
            EXPECT_FALSE(features.attack_heard(heard));
            for (const auto& kick : frame.kicks)
                EXPECT_LE(kick.seconds, heard + 1e-9) << "a kick after its frame";
            next_frame = heard + 1 / kFps;
        }
    }
    EXPECT_GT(latest_shown, kSeconds - 2 * kReadAhead) << "frames kept showing the newest sound";
    EXPECT_GE(silent_frames, 1);
    expect_one_attack_per_click(clicks, attacks, kLatest + kBlock);
}

// After a quiet spell the ranges of the power and of the onset strength are those of whatever
// faint sound came before (in bench_live, around the first click, what the capture's resampling
// left: an onset scale of 2.4 where the clicks' is 73), so a click's first samples rise through
// them: its attack was raised with the click a millisecond or two into the window, that frame
// showed a few millionths of the next one's power, and the click was shown a shown period later
// (143-182 ms after it in five runs, against 64-106 ms in four with the second attack). Here a
// faint tick makes those ranges. The click's power growing a thousandfold raises its attack
// again within three analysis frames, and that frame shows it. Later clicks, over the range the
// first made, raise one attack each.
TEST(LiveFeatures, ASliverOfASoundAfterSilenceIsFollowedByAnAttackThatShowsIt) {
    constexpr double kFps = 24, kSeconds = 6, kTick = 0.005;  // 5 ms capture fragments
    constexpr int kCaptureRate = 44100;
    // bench_live's clicks: 10 ms of noise decaying over 1.5 ms from 0.7, here every 0.6 s from 0.5
    // s, at 44.1 kHz, then resampled to the analysis rate.
    std::vector<float> played(static_cast<std::size_t>(kSeconds * kCaptureRate), 0.0f);
    std::vector<double> clicks;
    std::mt19937 random(9);
    std::uniform_real_distribution<float> noise(-1, 1);
    const auto click_at = [&](double t, float peak) {
        const auto first = static_cast<std::size_t>(std::lround(t * kCaptureRate));
        for (std::size_t i = 0; i < 441; ++i)
            played[first + i] =
                peak * std::exp(-static_cast<float>(i) / (0.0015f * kCaptureRate)) * noise(random);
    };
    for (double t = 0.5; t < kSeconds - 0.1; t += 0.6) {
        clicks.push_back(t);
        click_at(t, 0.7f);
    }
    // Before them, a faint tick (10⁻⁴ of a click) at 0.2 s: the ranges of the power and of the
    // onset strength are that tick's when the first click comes.
    click_at(0.2, 0.7e-4f);
    const std::vector<float> samples =
        resample::resample(played, kCaptureRate, static_cast<int>(kRate));
    live::LiveFeatures features(kFps);
    std::vector<double> attacks;
    std::vector<float> shown;  // the unscaled power each attack's frame showed
    double next_frame = 0;
    for (std::size_t pushed = 0; pushed < samples.size();) {
        pushed = push_block(features, samples, pushed, kTick);
        const double now = static_cast<double>(pushed) / kRate;
        const bool attack = features.attack_heard(now);
        if (features.has_sound() && (attack || now >= next_frame)) {
            live::FrameFeaturesInfo info;
            features.features_for(now, 0.0, info);
            if (attack && now > 0.4) {  // the tick's own attack is not counted
                attacks.push_back(now);
                shown.push_back(static_cast<float>(info.power));
            }
            next_frame = now + 1 / kFps;
        }
    }
    ASSERT_EQ(attacks.size(), clicks.size() + 1);
    // The first click: a sliver (raised in its first milliseconds), then, within the three
    // analysis frames after it and a fragment (35 + 5 ms after the sliver's frame), the click.
    EXPECT_GE(attacks[0], clicks[0]);
    EXPECT_LT(attacks[0], clicks[0] + kTick);
    EXPECT_GT(attacks[1], attacks[0]);
    EXPECT_LE(attacks[1] - attacks[0], 0.040);
    EXPECT_GT(shown[1], 1000 * shown[0]);
    // Every later click: one attack, within kLatest of it and a fragment, whose frame shows it (at
    // least 1 % of what the first click's second frame showed: 30-50× the sliver).
    for (std::size_t k = 1; k < clicks.size(); ++k) {
        EXPECT_GE(attacks[k + 1], clicks[k] - kTick) << "the click at " << clicks[k] << " s";
        EXPECT_LE(attacks[k + 1] - clicks[k], kLatest + kTick) << "the click at " << clicks[k];
        EXPECT_GT(shown[k + 1], 0.01 * shown[1]) << "the click at " << clicks[k] << " s";
    }
}
