// The beat choreography on librosa's rhythm features of race1-jt.ogg at hop 735 (30 fps), copied
// from shared/fixtures/librosa/rhythm (chroma_h rewritten in C order; see data/README.md): the
// noise moves most on the tracked beats, the same seed gives the same vectors, and the curves do
// not depend on the frame rate.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "choreo/beat.h"
#include "choreo/classes.h"
#include "core/error.h"
#include "core/file.h"
#include "core/npy.h"

namespace fs = std::filesystem;
using namespace bgv::choreo;

namespace {
const fs::path kData = fs::path(BGV_TEST_DATA) / "choreo/data";

struct Rhythm {
    double fps = 30;
    std::int64_t frames = 0;
    std::vector<float> env_p, rms_h, chroma_h;
    std::vector<double> beats, onsets;  // seconds
    std::vector<std::int64_t> beat_frames;
    std::array<int, 12> chromasort{};

    RhythmView view() const {
        return {frames, fps, env_p, rms_h, chroma_h, beats, onsets, chromasort};
    }
};

Rhythm race1_at_30fps() {
    Rhythm r;
    r.env_p = bgv::read_npy_f32(kData / "race1_hop735_onset_env_percussive.npy").data;
    r.rms_h = bgv::read_npy_f32(kData / "race1_hop735_rms_h.npy").data;
    r.chroma_h = bgv::read_npy_f32(kData / "race1_hop735_chroma_h.npy").data;
    r.frames = static_cast<std::int64_t>(r.rms_h.size());
    const auto events =
        nlohmann::json::parse(bgv::read_file_text(kData / "race1_hop735_events.json"));
    r.beat_frames = events["beats"].get<std::vector<std::int64_t>>();
    for (const auto f : r.beat_frames)
        r.beats.push_back(static_cast<double>(f) / r.fps);
    for (const auto f : events["onsets"].get<std::vector<std::int64_t>>())
        r.onsets.push_back(static_cast<double>(f) / r.fps);
    for (int i = 0; i < 12; ++i)
        r.chromasort[i] = i;
    return r;
}

double distance(std::span<const double> a, std::span<const double> b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        sum += (a[i] - b[i]) * (a[i] - b[i]);
    return std::sqrt(sum);
}

// Mean frame-to-frame noise change on frames within one frame of a beat, and elsewhere.
std::pair<double, double> change_on_and_off_beat(const Vectors& v,
                                                 std::span<const std::int64_t> beats) {
    std::vector<bool> near(static_cast<std::size_t>(v.count), false);
    for (const auto b : beats) {
        for (std::int64_t f = b - 1; f <= b + 1; ++f) {
            if (f >= 0 && f < v.count)
                near[f] = true;
        }
    }
    double on = 0, off = 0;
    int on_count = 0, off_count = 0;
    for (std::int64_t f = 1; f < v.count; ++f) {
        const double change = distance(v.noise_row(f), v.noise_row(f - 1));
        (near[f] ? on : off) += change;
        ++(near[f] ? on_count : off_count);
    }
    return {on / on_count, off / off_count};
}

const std::vector<int> kClasses = {1, 22, 333, 444, 555, 666, 777, 888, 999, 10, 20, 30};
}  // namespace

TEST(BeatChoreo, NoiseMovesAtLeastTwiceAsMuchOnTheBeats) {
    const Rhythm rhythm = race1_at_30fps();
    const Vectors v = make_beat_vectors(rhythm.view(), kClasses, BeatParams{}, 7);
    ASSERT_EQ(v.count, rhythm.frames);
    const auto [on, off] = change_on_and_off_beat(v, rhythm.beat_frames);
    std::printf("race1 at 30 fps: mean noise change %.4f on beats, %.4f elsewhere, ratio %.2f\n",
                on, off, on / off);
    EXPECT_GE(on / off, 2.0);
}

TEST(BeatChoreo, SeededBoundedAndRotating) {
    const Rhythm rhythm = race1_at_30fps();
    BeatParams params;
    params.truncation = 0.4;
    params.shuffle_bars = 1;
    const Vectors a = make_beat_vectors(rhythm.view(), kClasses, params, 7);
    const Vectors b = make_beat_vectors(rhythm.view(), kClasses, params, 7);
    const Vectors c = make_beat_vectors(rhythm.view(), kClasses, params, 8);
    EXPECT_EQ(a.noise, b.noise);
    EXPECT_EQ(a.classes, b.classes);
    EXPECT_NE(a.noise, c.noise);
    for (const double z : a.noise)
        ASSERT_LE(std::abs(z), 2 * 0.4 + 1e-12);  // the bounce keeps ±2·truncation
    // The class order turns by one every 4 beats: the rotation counts the beats so far.
    const BeatCurves curves = beat_curves(rhythm.view(), params);
    for (std::size_t k = 0; k < rhythm.beat_frames.size(); ++k) {
        const auto f = rhythm.beat_frames[k];
        EXPECT_EQ(curves.rotation[f], static_cast<int>((k + 1) / 4)) << "beat " << k;
    }
    // Every beat kicks at once, at least kBeatFloor hard (the kick is at the frame's own time,
    // 1 µs before the time the frame is read at: a relative 4e-6 less).
    for (const auto f : rhythm.beat_frames)
        EXPECT_GE(curves.pulse[f], kBeatFloor * (1 - 1e-5)) << "beat frame " << f;
}

TEST(BeatChoreo, BeatsKickFullyOnsetsBetweenThemByOffbeat) {
    // 24 fps, 3 s: a beat at 1 s (frame 24) and an onset between beats at 1.5 s (frame 36), both
    // at the song's strongest percussive onset strength.
    const std::int64_t frames = 72;
    std::vector<float> env(frames, 0.0f), rms(frames, 0.0f), chroma(12 * frames, 0.0f);
    env[24] = env[36] = 1.0f;
    const std::vector<double> beats = {1.0}, onsets = {1.0, 1.5};  // the first onset is the beat's
    const RhythmView view{frames, 24.0, env, rms, chroma, beats, onsets, {}};
    const auto kicks = song_kicks(view);
    ASSERT_EQ(kicks.size(), 2u);
    EXPECT_TRUE(kicks[0].beat);
    EXPECT_FALSE(kicks[1].beat);
    for (const double offbeat : {0.0, 0.3, 1.0}) {
        BeatParams params;
        params.offbeat = offbeat;
        const BeatCurves curves = beat_curves(view, params);
        const double decay = std::exp(-1 / (24.0 * params.pulse_decay));
        EXPECT_NEAR(curves.pulse[24], 1.0, 1e-5);
        EXPECT_EQ(curves.pulse[23], 0.0);
        // Half a second later the beat's kick has fallen to e^-2 = 0.135: the onset kicks above
        // it by `offbeat` of its strength when that is more.
        const double beat_left = std::exp(-0.5 / params.pulse_decay);
        EXPECT_NEAR(curves.pulse[36], std::max(offbeat, beat_left), 1e-5) << offbeat;
        EXPECT_NEAR(curves.pulse[37], curves.pulse[36] * decay, 1e-12);
    }
}

TEST(BeatChoreo, SilenceGivesValidVectorsAndCuesLead) {
    const std::int64_t frames = 60;
    const std::vector<float> zeros(frames, 0.0f), chroma(12 * frames, 0.0f);
    const RhythmView silent{frames, 24.0, zeros, zeros, chroma, {}, {}, {}};
    const std::vector<ClassCue> cues = {{10, 20, 555}};
    const Vectors v = make_beat_vectors(silent, kClasses, BeatParams{}, 3, cues);
    ASSERT_EQ(v.count, frames);
    for (const double x : v.noise)
        ASSERT_TRUE(std::isfinite(x));
    for (std::int64_t f = 1; f < frames; ++f)  // no energy, no onsets: the noise stands still
        EXPECT_EQ(distance(v.noise_row(f), v.noise_row(0)), 0.0);
    for (std::int64_t f = 10; f < 20; ++f)
        EXPECT_EQ(v.class_row(f)[555], 1.0);
}

TEST(SeedChoreo, FrameBasedConstantsScaleWithTheFrameRate) {
    Params original;  // 22050 / 512 = 43.07 fps
    EXPECT_DOUBLE_EQ(pitch_rate(original), 80.0);
    EXPECT_DOUBLE_EQ(tempo_step(original), 0.25);
    EXPECT_EQ(smooth_window(original), 20);
    EXPECT_EQ(jitter_period(original), 200);
    Params at30 = original;
    at30.frames_per_second = 30;  // 735 samples a frame
    EXPECT_DOUBLE_EQ(pitch_rate(at30), 80.0 * 512 / 735);
    EXPECT_DOUBLE_EQ(tempo_step(at30), 0.25 * 735 / 512);
    EXPECT_EQ(smooth_window(at30), 13);   // int(20 · 512 / 735)
    EXPECT_EQ(jitter_period(at30), 139);  // round(200 · 512 / 735): 4.64 s either way
    Params at60 = original;
    at60.frames_per_second = 60;
    EXPECT_EQ(smooth_window(at60), 27);
    EXPECT_EQ(jitter_period(at60), 279);
}
