// --max_duration (issue 18, item 4): audio that is long but tiny on disk is refused from the
// container's header before anything is decoded, in one line naming the limit; a stream whose
// header states no duration is refused as soon as its samples pass the limit. The limit is on the
// section a command would analyse (--start, -d), which is what costs memory and time.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "audio/decode.h"
#include "audio/load.h"
#include "core/error.h"
#include "flac_writer.h"
#include "support/process.h"
#include "wav_writer.h"

namespace bgv::audio {
namespace {

std::string error_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const Error& error) {
        return error.what();
    }
    return "(no error)";
}

TEST(DurationLimit, TenHoursOfSilentFlacAreRefusedFromTheHeader) {
    const auto dir = bgv::test::fresh_temp_dir("audio_limit_flac");
    const auto path = dir / "song.flac";
    // 387598 frames of 4096 samples: 10 h 0.03 s at 44.1 kHz, stereo, in about 6.6 MB.
    test::write_silent_flac(path, 44100, 2, 387598);
    ASSERT_LT(std::filesystem::file_size(path), 8u << 20);
    // The message is the header's: a decode would have said "goes on past the limit", after
    // decoding 30 minutes.
    EXPECT_EQ(
        error_of([&] { load_mono(path, 22050, Section{.max_duration = 1800}); }),
        path.string() + ": 10:00:00 of audio is longer than the 30:00 limit (--max_duration)");
    // The last 10 s are a section within the limit, reached by a seek: silence, resampled.
    const Pcm tail = load_mono(
        path, 22050, Section{.start_seconds = 35990, .max_seconds = 20, .max_duration = 1800});
    const auto frames_left = 387598LL * 4096 - frames_for_duration(35990, 44100, false);
    EXPECT_EQ(static_cast<std::int64_t>(tail.samples.size()),
              resample::resampled_length(frames_left, 44100, 22050));
    EXPECT_TRUE(
        std::all_of(tail.samples.begin(), tail.samples.end(), [](float x) { return x == 0.0f; }));
}

TEST(DurationLimit, TheLimitIsOnTheSectionToAnalyse) {
    const auto dir = bgv::test::fresh_temp_dir("audio_limit_wav");
    const auto path = dir / "eight_seconds.wav";
    test::write_wav16(path, 22050, 1, std::vector<std::int16_t>(8 * 22050, 100));
    EXPECT_EQ(error_of([&] { load_mono(path, 22050, Section{.max_duration = 5}); }),
              path.string() + ": 0:08 of audio is longer than the 0:05 limit (--max_duration)");
    // From 4 s on, or 2 s of it, is within the limit.
    EXPECT_EQ(load_mono(path, 22050, Section{.start_seconds = 4, .max_duration = 5}).samples.size(),
              4u * 22050);
    EXPECT_EQ(load_mono(path, 22050, Section{.max_seconds = 2, .max_duration = 5}).samples.size(),
              2u * 22050);
    // A song and a limit that would read the same are told apart.
    EXPECT_EQ(
        error_of([&] { load_mono(path, 22050, Section{.max_duration = 7.8}); }),
        path.string() + ": 0:08 (8.00 s) of audio is longer than the 0:08 limit (--max_duration)");
}

TEST(DurationLimit, AStreamWithoutAStatedDurationIsRefusedAsItsSamplesArrive) {
    // Raw AAC (ADTS) states no duration; FFmpeg only estimates one from the bit rate.
    const auto dir = bgv::test::fresh_temp_dir("audio_limit_adts");
    const auto path = dir / "five_seconds.aac";
    ASSERT_EQ(
        bgv::test::run_command("ffmpeg -v error -y -f lavfi -i sine=f=440:d=5 -c:a aac -f adts '" +
                               path.string() + "' 2>&1")
            .exit_code,
        0);
    EXPECT_EQ(error_of([&] { load_mono(path, 22050, Section{.max_duration = 2}); }),
              path.string() + ": the audio goes on past the 0:02 limit (--max_duration)");
    const Pcm pcm = load_mono(path, 22050, Section{.max_duration = 10});
    EXPECT_GT(pcm.samples.size(), 5u * 22050 - 1);
}

}  // namespace
}  // namespace bgv::audio
