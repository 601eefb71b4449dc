// The beat choreography on race1-jt.ogg (a 54 s song with drums) with bigganviz's own rhythm
// analysis, as `render --choreography beat` runs it: at 30 fps the noise vector moves at least
// twice as much on the tracked beats as elsewhere, and at 60 fps it makes the same motion.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "audio/load.h"
#include "choreo/beat.h"
#include "features/chroma.h"
#include "features/frame_times.h"

namespace fs = std::filesystem;
using namespace bgv::choreo;

namespace {

struct SongRhythm {
    bgv::features::TimedRhythm timed;
    std::array<int, 12> order{};
    double fps = 0;

    RhythmView view() const {
        const auto& r = timed.rhythm;
        return {r.frames,
                fps,
                r.onset_env_percussive,
                r.rms_h,
                r.chroma_h,
                timed.beat_seconds,
                timed.onset_seconds,
                order};
    }
};

const std::vector<float>& song() {
    static const auto pcm =
        bgv::audio::load_mono(fs::path(BGV_TEST_DATA) / "audio/data/race1-jt.ogg", 22050);
    return pcm.samples;
}

SongRhythm rhythm_at(bgv::FrameRate rate) {
    SongRhythm s;
    s.fps = rate.per_second();
    s.timed = bgv::features::compute_rhythm_at_rate(song(), rate);
    s.order = bgv::features::chroma_order({s.timed.rhythm.frames, s.timed.rhythm.chroma_h, 0.0});
    return s;
}

double squared_distance(std::span<const double> a, std::span<const double> b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        sum += (a[i] - b[i]) * (a[i] - b[i]);
    return sum;
}

const std::vector<int> kClasses = {1, 22, 333, 444, 555, 666, 777, 888, 999, 10, 20, 30};
constexpr std::uint64_t kSeed = 2024;

TEST(BeatChoreoSong, NoiseMovesTwiceAsMuchOnBeatsAndTheSameAt60Fps) {
    const SongRhythm at30 = rhythm_at({30, 1});
    const Vectors v30 = make_beat_vectors(at30.view(), kClasses, BeatParams{}, kSeed);
    ASSERT_EQ(v30.count, 1 + 1184992 * 30 / 22050);
    ASSERT_GT(at30.timed.rhythm.beats.size(), 90u);

    // Frames within one frame of a tracked beat (beats are frames at hop 735 = 30 fps).
    std::vector<bool> near(static_cast<std::size_t>(v30.count), false);
    for (const auto b : at30.timed.rhythm.beats) {
        for (auto f = b - 1; f <= b + 1; ++f) {
            if (f >= 0 && f < v30.count)
                near[f] = true;
        }
    }
    double on = 0, off = 0;
    int on_count = 0, off_count = 0;
    for (std::int64_t f = 1; f < v30.count; ++f) {
        const double change = std::sqrt(squared_distance(v30.noise_row(f), v30.noise_row(f - 1)));
        (near[f] ? on : off) += change;
        ++(near[f] ? on_count : off_count);
    }
    const double ratio = (on / on_count) / (off / off_count);
    std::printf("30 fps: mean noise change %.4f on %d beat frames, %.4f on %d others: %.2fx\n",
                on / on_count, on_count, off / off_count, off_count, ratio);
    EXPECT_GE(ratio, 2.0);

    // 60 fps (hop 367.5: the rhythm at hop 367 interpolated), sampled at the 30 fps frame times.
    const SongRhythm at60 = rhythm_at({60, 1});
    const Vectors v60 = make_beat_vectors(at60.view(), kClasses, BeatParams{}, kSeed);
    ASSERT_GE(v60.count, 2 * v30.count - 1);
    double difference = 0, norm = 0;
    for (std::int64_t f = 0; f < v30.count; ++f) {
        difference += squared_distance(v60.noise_row(2 * f), v30.noise_row(f));
        norm += squared_distance(v30.noise_row(f), std::vector<double>(kNoiseSize, 0.0));
    }
    const double relative = std::sqrt(difference / norm);
    std::printf("60 fps against 30 fps at the same times: rel. L2 %.4f\n", relative);
    EXPECT_LT(relative, 0.10);
}

}  // namespace
