// --start seeks instead of decoding the song's beginning (issue 18, item 5). For every container
// bigganviz seeks in, a section's samples equal those of a decode from the start bit for bit, at
// the file's rate and after resampling to 22050 Hz; Matroska, whose timestamps count
// milliseconds, is decoded from the start instead.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "audio/decode.h"
#include "audio/load.h"
#include "audio/reader.h"
#include "core/error.h"
#include "resample/soxr_hq.h"
#include "support/process.h"

namespace bgv::audio {
namespace {

struct Format {
    std::string file;
    std::string ffmpeg_arguments;
    bool seeks = true;
};

// Every way a song commonly comes, encoded from one 30 s source: a chord, a beeping tone and
// pink noise, stereo at 44.1 kHz.
const std::vector<Format>& formats() {
    static const std::vector<Format> list = {
        {"song.flac", "-c:a flac"},
        {"song.wav", "-c:a pcm_s16le -ar 48000"},
        {"song.aiff", "-c:a pcm_s24be"},
        {"song.ogg", "-c:a libvorbis -q:a 4"},
        {"song.opus", "-c:a libopus -b:a 64k"},
        {"song.m4a", "-c:a aac -b:a 128k"},
        {"song_video.mp4", "-c:a aac -ar 32000"},
        {"song_cbr.mp3", "-c:a libmp3lame -b:a 192k"},
        {"song_vbr.mp3", "-c:a libmp3lame -q:a 4"},
        {"song_no_xing.mp3", "-c:a libmp3lame -q:a 4 -write_xing 0"},
        {"song.aac", "-c:a aac -f adts"},
        {"song.mka", "-c:a libvorbis", false},
    };
    return list;
}

class Seek : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = test::fresh_temp_dir("audio_seek");
        const std::string source = (dir_ / "source.wav").string();
        ASSERT_EQ(
            test::run_command("ffmpeg -v error -y -f lavfi -i \"sine=f=220:d=30,volume=0.3[a];"
                              "sine=f=331:d=30:beep_factor=4,volume=0.2[b];"
                              "anoisesrc=d=30:a=0.05:c=pink:seed=7[c];[a][b][c]amix=inputs=3,"
                              "aformat=channel_layouts=stereo\" -ar 44100 '" +
                              source + "' 2>&1")
                .exit_code,
            0);
        for (const auto& format : formats()) {
            const auto command = "ffmpeg -v error -y -i '" + source + "' " +
                                 format.ffmpeg_arguments + " '" + (dir_ / format.file).string() +
                                 "' 2>&1";
            const auto result = test::run_command(command);
            ASSERT_EQ(result.exit_code, 0) << command << "\n" << result.output;
        }
    }
    static inline std::filesystem::path dir_;
};

TEST_F(Seek, SectionsAreTheSamplesOfADecodeFromTheStart) {
    for (const auto& format : formats()) {
        SCOPED_TRACE(format.file);
        const auto path = dir_ / format.file;
        const NativeAudio whole = decode_native(path);
        ASSERT_GT(whole.mono.size(), static_cast<std::size_t>(29 * whole.sample_rate));
        for (const double start : {13.7, 24.25}) {
            SCOPED_TRACE(start);
            const auto skip =
                frames_for_duration(start, whole.sample_rate, whole.quantised_to_16_bits);
            AudioReader reader(path, false);
            reader.skip_to(skip);
            EXPECT_EQ(reader.sought(), format.seeks);
            EXPECT_EQ(reader.position(), skip);

            const NativeAudio section = decode_native(path, 2.0, false, start);
            const auto keep = static_cast<std::size_t>(
                frames_for_duration(2.0, whole.sample_rate, whole.quantised_to_16_bits));
            ASSERT_EQ(section.mono.size(), keep);
            const auto first = whole.mono.begin() + skip;
            EXPECT_TRUE(std::equal(section.mono.begin(), section.mono.end(), first));
            EXPECT_EQ(section.damaged_packets, 0);

            // To the end of the song: the same length as the rest of the whole decode.
            const NativeAudio tail = decode_native(path, std::nullopt, false, start);
            ASSERT_EQ(tail.mono.size(), whole.mono.size() - static_cast<std::size_t>(skip));
            EXPECT_TRUE(std::equal(tail.mono.begin(), tail.mono.end(), first));

            // load_mono streams the section through the resampler: librosa's samples of it.
            const Pcm pcm = load_mono(path, 22050, 2.0, start);
            const auto expected = resample::resample(
                std::span<const float>(whole.mono).subspan(static_cast<std::size_t>(skip), keep),
                whole.sample_rate, 22050);
            EXPECT_EQ(pcm.samples, expected);
        }
    }
}

TEST_F(Seek, TheSoundtracksChannelsAreCutAlike) {
    for (const char* file : {"song.flac", "song.m4a"}) {
        SCOPED_TRACE(file);
        const NativeAudio whole = decode_native(dir_ / file, std::nullopt, true);
        const NativeAudio section = decode_native(dir_ / file, 1.0, true, 20.0);
        const auto skip = frames_for_duration(20.0, whole.sample_rate, whole.quantised_to_16_bits);
        ASSERT_EQ(section.interleaved.size(), 2 * section.mono.size());
        EXPECT_TRUE(std::equal(section.interleaved.begin(), section.interleaved.end(),
                               whole.interleaved.begin() + 2 * skip));
    }
}

TEST_F(Seek, AStartPastTheEndSaysHowLongTheSongIs) {
    // After a seek as after a decode from the start: the length a whole decode finds.
    for (const char* file : {"song.flac", "song.mka"}) {
        SCOPED_TRACE(file);
        const auto path = dir_ / file;
        const NativeAudio whole = decode_native(path);
        const double seconds = static_cast<double>(whole.mono.size()) / whole.sample_rate;
        try {
            decode_native(path, 1.0, false, 45.0);
            ADD_FAILURE() << "no error";
        } catch (const Error& error) {
            EXPECT_EQ(std::string(error.what()),
                      fmt::format("{}: --start 45 is at or past the end of the song ({:.2f} s)",
                                  path.string(), seconds));
        }
    }
}

}  // namespace
}  // namespace bgv::audio
