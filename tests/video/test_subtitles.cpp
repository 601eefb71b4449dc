// video/: lyrics as subtitles. A soft track (mov_text in mp4/mov, SubRip in Matroska) whose cues
// read back with the times given, to the millisecond; burned-in text that changes the picture only
// where it is drawn and only while its cue lasts (compared through FFV1, which is lossless).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/error.h"
#include "support/errors.h"
#include "video/subtitles.h"
#include "video_samples.h"

namespace fs = std::filesystem;
using namespace bgv;
using namespace bgv::video;
using bgv::test::error_of;

namespace {

struct ReadCue {
    std::int64_t start_ms = 0, end_ms = 0;
    std::string text;
};

// The subtitle stream of `file` as SubRip, converted by the ffmpeg program.
std::vector<ReadCue> read_cues(const fs::path& file) {
    const std::string srt =
        test::run_output("ffmpeg -v error -i '" + file.string() + "' -map 0:s:0 -f srt -");
    std::vector<ReadCue> cues;
    std::size_t at = 0;
    while (true) {
        const std::size_t arrow = srt.find(" --> ", at);
        if (arrow == std::string::npos)
            break;
        const auto ms = [&](std::size_t p) {
            int h = 0, m = 0, s = 0, f = 0;
            std::sscanf(srt.c_str() + p, "%d:%d:%d,%d", &h, &m, &s, &f);
            return ((h * 60LL + m) * 60 + s) * 1000 + f;
        };
        ReadCue cue{ms(arrow - 12), ms(arrow + 5), ""};
        const std::size_t text = srt.find('\n', arrow) + 1;
        const std::size_t end = srt.find("\n\n", text);
        cue.text = srt.substr(text, end == std::string::npos ? std::string::npos : end - text);
        cues.push_back(cue);
        at = text;
    }
    return cues;
}

const std::vector<SubtitleCue> kCues = {
    {0.25, 0.731, "First line"},  {0.731, 1.2, "Second, with {braces}"},
    {1.5, 1.52, "short"},         {2.0, 9.0, "runs past the end"},  // cut at the video's end
    {9.5, 10.0, "after the end"},                                   // left out
};

}  // namespace

TEST(VideoSubtitles, SoftTrackCuesHaveTheGivenTimes) {
    for (const char* name : {"soft.mp4", "soft.mkv", "soft.mov"}) {
        const fs::path dir = test::fresh_temp_dir(std::string("subtitles_") + name);
        auto settings = test::settings_for(128, 224);
        settings.format = resolve_output_format(dir / name, "h264");
        const int frames = 27;  // 2.508 s
        test::render_video(dir, settings, frames, dir / name, kCues);
        const auto probed = test::probe(dir / name);
        const auto s = test::stream_of(probed, "subtitle");
        ASSERT_FALSE(s.is_null()) << name;
        EXPECT_EQ(s["codec_name"], std::string(name).ends_with(".mkv") ? "subrip" : "mov_text");
        const auto cues = read_cues(dir / name);
        const std::int64_t video_end = std::llround(frames * test::frame_seconds(settings) * 1000);
        ASSERT_EQ(cues.size(), 4u) << name;
        const std::vector<ReadCue> expected = {{250, 731, "First line"},
                                               {731, 1200, "Second, with (braces)"},
                                               {1500, 1520, "short"},
                                               {2000, video_end, "runs past the end"}};
        for (std::size_t i = 0; i < expected.size(); ++i) {
            EXPECT_EQ(cues[i].start_ms, expected[i].start_ms) << name << " cue " << i;
            EXPECT_EQ(cues[i].end_ms, expected[i].end_ms) << name << " cue " << i;
            EXPECT_EQ(cues[i].text, expected[i].text) << name << " cue " << i;
        }
        EXPECT_EQ(test::stream_of(probed, "video")["nb_read_frames"], std::to_string(frames));
    }
}

namespace {

struct Changes {
    std::int64_t pixels = 0;
    int top = 1 << 30, bottom = -1, left = 1 << 30, right = -1;
};

// Where two decodings of the same frames differ, frame by frame.
std::vector<Changes> differences(const std::string& a, const std::string& b, int width, int height,
                                 int frames) {
    std::vector<Changes> out(frames);
    const std::size_t bytes = static_cast<std::size_t>(width) * height * 3;
    for (int f = 0; f < frames; ++f)
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) {
                const std::size_t i = f * bytes + (static_cast<std::size_t>(y) * width + x) * 3;
                if (a.compare(i, 3, b, i, 3) == 0)
                    continue;
                auto& c = out[f];
                ++c.pixels;
                c.top = std::min(c.top, y);
                c.bottom = std::max(c.bottom, y);
                c.left = std::min(c.left, x);
                c.right = std::max(c.right, x);
            }
    return out;
}

}  // namespace

// The same frames with and without burned subtitles, as lossless FFV1: frames outside every cue
// are identical; frames inside one differ only in a band as high as the text (size 24 px, outline
// 1 px, ASCII without descenders below the line), the margin away from the edge, around the
// middle. Pieces of 8 frames: the second and later pieces time the cues by their first frame.
TEST(VideoSubtitles, BurnedTextChangesOnlyWhereAndWhenItIsDrawn) {
    const int width = 320, height = 180, frames = 30;  // frame k shows [k, k+1) x 92.9 ms
    const std::vector<SubtitleCue> cues = {{0.5, 1.2, "Hello"}, {1.6, 2.3, "World"}};
    for (auto position : {SubtitlePosition::bottom, SubtitlePosition::top}) {
        const fs::path dir = test::fresh_temp_dir(std::string("burn_") +
                                                  std::string(subtitle_position_name(position)));
        auto settings = test::settings_for(width, height);
        settings.format = resolve_output_format(dir / "x.mkv", "ffv1");
        test::render_video(dir, settings, frames, dir / "plain.mkv");
        settings.burned_subtitles = cues;
        settings.subtitle_style = {.size = 24, .position = position, .margin = 12};
        test::render_video(dir, settings, frames, dir / "burned.mkv");
        const auto changes =
            differences(test::decode_rgb(dir / "plain.mkv"), test::decode_rgb(dir / "burned.mkv"),
                        width, height, frames);
        for (int f = 0; f < frames; ++f) {
            const double t = f * test::frame_seconds(settings);
            const bool shown = (t >= 0.5 && t < 1.2) || (t >= 1.6 && t < 2.3);
            if (!shown) {
                EXPECT_EQ(changes[f].pixels, 0) << "frame " << f << " at " << t << " s";
                continue;
            }
            const auto& c = changes[f];
            EXPECT_GT(c.pixels, 100) << "frame " << f << ": no text drawn";
            // The text band: 24 px of text plus the outline, 12 px from the edge.
            if (position == SubtitlePosition::bottom) {
                EXPECT_GE(c.top, height - 12 - 24 - 2) << "frame " << f;
                EXPECT_LE(c.bottom, height - 12 + 2) << "frame " << f;
            } else {
                EXPECT_GE(c.top, 12 - 2) << "frame " << f;
                EXPECT_LE(c.bottom, 12 + 24 + 2) << "frame " << f;
            }
            // Five letters of about 0.6 em each, centred.
            EXPECT_GT(c.left, width / 2 - 60) << "frame " << f;
            EXPECT_LT(c.right, width / 2 + 60) << "frame " << f;
        }
    }
}

TEST(VideoSubtitles, AssEventsEscapeTheTextAndKeepCentiseconds) {
    EXPECT_EQ(ass_text("one\ntwo"), "one\\Ntwo");
    EXPECT_EQ(ass_text("{\\b1}x"), "(\\\u200Bb1)x");
    const std::string script =
        ass_script(std::vector<SubtitleCue>{{61.234, 3725.5, "a"}}, {}, {1920, 1080});
    EXPECT_NE(script.find("PlayResX: 1920\nPlayResY: 1080\n"), std::string::npos);
    EXPECT_NE(script.find("Style: Default,DejaVu Sans,60,"), std::string::npos) << script;
    EXPECT_NE(script.find("Dialogue: 0,0:01:01.23,1:02:05.50,Default,,0,0,0,,a\n"),
              std::string::npos)
        << script;
}

TEST(VideoSubtitles, BurningNeedsTimedLyrics) {
    check_burn_request(false, "", false);
    check_burn_request(true, "song.lrc", true);
    EXPECT_EQ(error_of([] { check_burn_request(true, "", false); }),
              "--burn_subtitles needs timed lyrics: give -l with an .lrc or .srt file");
    EXPECT_EQ(error_of([] { check_burn_request(true, "words.txt", false); }),
              "--burn_subtitles needs timed lyrics, and words.txt has no time stamps (give an LRC "
              "or SRT file)");
    EXPECT_EQ(error_of([] { parse_subtitle_position("left"); }),
              "--subtitle_position left: expected bottom, middle or top");
}
