// Timed lyrics in a render (issue 17, docs/shapes.md), with the tiny128 test model: a soft
// subtitle track whose cues are the LRC or SRT times (none for plain lyrics), and burned subtitles
// that change the pixels only where and when text is drawn.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/file.h"
#include "render_test_support.h"
#include "shape_renders.h"

using namespace bgv::test;
using namespace bgv::test::shapes;

namespace {
struct Cue {
    std::int64_t start_ms = 0, duration_ms = 0;
};

// The subtitle packets that carry text (mov_text fills gaps with empty ones of 2 bytes), as
// ffprobe reports them in the stream's time base of 1/1000 s.
std::vector<Cue> subtitle_cues(const fs::path& file) {
    const auto json = nlohmann::json::parse(
        run_output("ffprobe -v error -select_streams s:0 -show_entries packet=pts,duration,size "
                   "-show_entries stream=codec_name,time_base -of json '" +
                   file.string() + "'"));
    EXPECT_EQ(json.at("streams").at(0).at("time_base"), "1/1000");
    std::vector<Cue> cues;
    for (const auto& packet : json.at("packets")) {
        if (std::stoi(packet.at("size").get<std::string>()) > 2)
            cues.push_back(
                {packet.at("pts").get<std::int64_t>(), packet.at("duration").get<std::int64_t>()});
    }
    return cues;
}

std::string subtitle_codec(const fs::path& file) {
    const auto json = nlohmann::json::parse(
        run_output("ffprobe -v error -select_streams s -show_entries stream=codec_name -of json '" +
                   file.string() + "'"));
    return json.at("streams").empty() ? "" : json.at("streams").at(0).at("codec_name");
}

std::string lyrics_arguments(const fs::path& lyrics) {
    return fmt::format("-n 2 -l '{}' --text_weights '{}'", lyrics.string(), kTextModel.string());
}
}  // namespace

// Timed lyrics give a soft track whose cues are the file's times: LRC lines run to the next line's
// stamp (the empty stamp ends the last), SRT cues have their own ends; with --start they are
// shifted and cut to the section.
TEST(RenderShapes, TimedLyricsAreASubtitleTrackWithTheirTimes) {
    const fs::path dir = fresh_dir("soft_subtitles");
    bgv::write_file_atomic(dir / "song.lrc",
                           "[00:00.25]a dog on the beach\n[00:00.90]the moon over the sea\n"
                           "[00:01.60]\n");
    bgv::write_file_atomic(dir / "song.srt",
                           "1\n00:00:00,300 --> 00:00:00,800\na dog on the beach\n\n"
                           "2\n00:00:01,100 --> 00:00:01,750\nthe moon over the sea\n");
    render(dir, lyrics_arguments(dir / "song.lrc") + " -o lrc.mp4");
    EXPECT_EQ(subtitle_codec(dir / "lrc.mp4"), "mov_text");
    const auto lrc = subtitle_cues(dir / "lrc.mp4");
    ASSERT_EQ(lrc.size(), 2u);
    EXPECT_EQ(lrc[0].start_ms, 250);
    EXPECT_EQ(lrc[0].duration_ms, 650);
    EXPECT_EQ(lrc[1].start_ms, 900);
    EXPECT_EQ(lrc[1].duration_ms, 700);
    const std::string text =
        run_output("ffmpeg -v error -i '" + (dir / "lrc.mp4").string() + "' -map 0:s:0 -f srt -");
    EXPECT_NE(text.find("a dog on the beach"), std::string::npos) << text;
    EXPECT_NE(text.find("the moon over the sea"), std::string::npos) << text;

    // The section [0.5, 2.5) of the song: the first cue is cut to [0, 0.3), the second shifted.
    render(dir, lyrics_arguments(dir / "song.srt") + " --start 0.5 -o srt.mkv");
    EXPECT_EQ(subtitle_codec(dir / "srt.mkv"), "subrip");
    const auto srt = subtitle_cues(dir / "srt.mkv");
    ASSERT_EQ(srt.size(), 2u);
    EXPECT_EQ(srt[0].start_ms, 0);
    EXPECT_EQ(srt[0].duration_ms, 300);
    EXPECT_EQ(srt[1].start_ms, 600);
    EXPECT_EQ(srt[1].duration_ms, 650);

    // Plain lyrics choose classes but time nothing: no track.
    bgv::write_file_atomic(dir / "song.txt", "a dog on the beach\nthe moon over the sea\n");
    render(dir, lyrics_arguments(dir / "song.txt") + " -o plain.mp4");
    EXPECT_EQ(subtitle_codec(dir / "plain.mp4"), "");
    fs::remove_all(dir);
}

// --burn_subtitles against the same render with a soft track, through lossless FFV1: frames outside
// the cues are identical, frames inside differ only in the band where the text stands (16 px
// high, 16 px above the bottom edge, outline 1 px), and the burned video has no subtitle track.
TEST(RenderShapes, BurnedSubtitlesChangeOnlyThePixelsOfTheText) {
    const fs::path dir = fresh_dir("burned_subtitles");
    bgv::write_file_atomic(dir / "song.lrc", "[00:00.50]Hello\n[00:01.20]\n");
    const std::string lyrics = lyrics_arguments(dir / "song.lrc") + " --codec ffv1";
    render(dir, lyrics + " -o soft.mkv");
    render(dir, lyrics + " --burn_subtitles --subtitle_size 16 -o burned.mkv");
    EXPECT_EQ(subtitle_codec(dir / "burned.mkv"), "");
    const std::string soft = decode_rgb(dir / "soft.mkv"), burned = decode_rgb(dir / "burned.mkv");
    constexpr int kSide = 128;
    ASSERT_EQ(soft.size(), kFrames * kSide * kSide * 3);
    ASSERT_EQ(burned.size(), soft.size());
    int frames_with_text = 0;
    for (std::int64_t f = 0; f < kFrames; ++f) {
        const double t = f * kFrameSeconds;
        int changed = 0, top = kSide, bottom = -1;
        for (int y = 0; y < kSide; ++y)
            for (int x = 0; x < kSide; ++x) {
                const std::size_t i = ((f * kSide + y) * kSide + x) * 3;
                if (soft.compare(i, 3, burned, i, 3) != 0) {
                    ++changed;
                    top = std::min(top, y);
                    bottom = std::max(bottom, y);
                }
            }
        if (t < 0.5 || t >= 1.2) {
            EXPECT_EQ(changed, 0) << "frame " << f << " at " << t << " s";
            continue;
        }
        ++frames_with_text;
        EXPECT_GT(changed, 30) << "frame " << f << ": no text drawn";
        EXPECT_GE(top, kSide - 16 - 16 - 2) << "frame " << f;
        EXPECT_LE(bottom, kSide - 16 + 2) << "frame " << f;
    }
    EXPECT_EQ(frames_with_text, 4);  // frames 3-6 start within [0.5, 1.2)
    fs::remove_all(dir);
}
