// The render pipeline with a stand-in generator (cheap pictures computed from z and y): resume
// after SIGKILL, restart on a changed parameter, the original tool's failure cases, saved vectors.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <set>

#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "core/npy.h"
#include "render/renderer.h"
#include "render/saved_vectors.h"
#include "render_test_support.h"
#include "stand_in.h"

using namespace bgv;
using namespace bgv::test;

namespace {
std::int64_t expected_frames(const fs::path& song, std::int64_t hop) {
    // Frames = ceil(samples at 22050 / hop); the fixtures are 22050 Hz WAVs or resample exactly.
    const auto probe_json = nlohmann::json::parse(
        run_output("ffprobe -v error -show_streams -of json '" + song.string() + "'"));
    const auto& s = probe_json.at("streams").at(0);
    const double samples = s.at("duration_ts").get<double>() * 22050.0 /
                           std::stod(s.at("sample_rate").get<std::string>());
    return static_cast<std::int64_t>(std::ceil(std::round(samples) / static_cast<double>(hop)));
}

void expect_valid_video(const fs::path& file, std::int64_t frames, int hop) {
    ASSERT_TRUE(fs::exists(file)) << file;
    const Probe p = probe(file);
    EXPECT_EQ(p.video.at("codec_name"), "h264");
    EXPECT_EQ(p.video.at("pix_fmt"), "yuv420p");
    EXPECT_EQ(p.video.at("r_frame_rate"),
              fmt::format("{}/{}", 22050 / std::gcd(22050, hop), hop / std::gcd(22050, hop)));
    EXPECT_EQ(std::stoll(p.video.at("nb_read_frames").get<std::string>()), frames);
    EXPECT_EQ(p.audio.at("codec_name"), "aac");
    // Video and audio the same length within one frame.
    EXPECT_NEAR(seconds(p.video), seconds(p.audio), hop / 22050.0);
}

// A render of chords_3s.wav whose three classes come from `lyrics` (written to dir/file), with the
// tiny MiniLM test model of model/bert and a private class-name cache (unset by the test).
render::RenderOptions lyrics_options_in(const fs::path& dir, const std::string& file,
                                        const std::string& lyrics) {
    ::setenv("BIGGANVIZ_CACHE", (dir / "cache").c_str(), 1);
    auto o = options_in(dir, "chords_3s.wav");
    o.lyrics = dir / file;
    write_file_atomic(*o.lyrics, lyrics);
    o.text_weights = fs::path(BGV_TEST_DATA) / "model/bert/data/tiny_minilm";
    o.num_classes = 3;
    return o;
}

// The 1000 class weights of one saved frame, largest first.
std::vector<double> class_weights_largest_first(const choreo::Vectors& saved, int frame) {
    std::vector<double> row(saved.classes.begin() + frame * 1000,
                            saved.classes.begin() + (frame + 1) * 1000);
    std::sort(row.rbegin(), row.rend());
    return row;
}

}  // namespace

TEST(RenderPipeline, ResumesAfterSigkillWithTheUninterruptedFrames) {
    const fs::path clean_dir = fresh_dir("clean");
    const fs::path killed_dir = fresh_dir("killed");
    const auto clean = options_in(clean_dir, "chords_3s.wav");
    render::render(clean, stand_in());
    const std::int64_t frames = expected_frames(clean.song, 2048);
    expect_valid_video(*clean.output, frames, 2048);

    const auto killed = options_in(killed_dir, "chords_3s.wav");
    // Killed after 2 pieces: pieces 0-3 and 4-7 finished, 8-10 in an unfinished piece.
    render_killed_after(killed, 11, 2);
    EXPECT_FALSE(fs::exists(*killed.output));
    const fs::path partial = killed.output->string() + ".partial";
    EXPECT_TRUE(fs::exists(partial / "segment_000001.mp4"));
    EXPECT_FALSE(fs::exists(partial / "segment_000002.mp4"));

    const bgv::log::Capture captured;
    render::render(killed, stand_in());
    EXPECT_EQ(captured.count("resuming from frame 8 of ", bgv::log::Level::info), 1U)
        << captured.text();
    EXPECT_FALSE(fs::exists(partial));
    expect_valid_video(*killed.output, frames, 2048);
    const std::string a = decode_rgb(*clean.output), b = decode_rgb(*killed.output);
    ASSERT_EQ(a.size(), static_cast<std::size_t>(frames * 32 * 32 * 3));
    EXPECT_TRUE(a == b) << "decoded frames differ after resume";
    EXPECT_EQ(read_file_bytes(*clean.output), read_file_bytes(*killed.output));
    fs::remove_all(clean_dir);
    fs::remove_all(killed_dir);
}

TEST(RenderPipeline, AChangedParameterStartsAfreshAndSaysWhy) {
    const fs::path dir = fresh_dir("changed");
    auto o = options_in(dir, "chords_3s.wav");
    render_killed_after(o, 6, 1);
    o.choreo.truncation = 0.5;
    const bgv::log::Capture captured;
    render::render(o, stand_in());
    EXPECT_EQ(captured.count("starting afresh: truncation changed (was 1.0, now 0.5) since the "
                             "unfinished render in ",
                             bgv::log::Level::info),
              1U)
        << captured.text();
    EXPECT_EQ(captured.count("resuming"), 0U) << captured.text();
    expect_valid_video(*o.output, expected_frames(o.song, 2048), 2048);
    fs::remove_all(dir);
}

// The precision is part of the run's identity as it runs on this CPU: bf16 frames never continue
// fp32 ones where the CPU makes bf16; where it cannot (bf16 runs fp32), the frames are fp32 and
// the render resumes.
TEST(RenderPipeline, AnotherPrecisionNeverMixesFrames) {
    const fs::path dir = fresh_dir("precision");
    auto o = options_in(dir, "chords_3s.wav");
    render_killed_after(o, 6, 1);
    o.precision = bgv::biggan::Precision::bf16;
    const bgv::log::Capture captured;
    render::render(o, stand_in());
    if (bgv::biggan::precision_on_this_cpu(o.precision) == bgv::biggan::Precision::bf16) {
        EXPECT_EQ(captured.count("starting afresh: precision changed", bgv::log::Level::info), 1U)
            << captured.text();
        EXPECT_EQ(captured.count("resuming"), 0U) << captured.text();
    } else {
        EXPECT_EQ(captured.count("resuming from frame ", bgv::log::Level::info), 1U)
            << captured.text();
    }
    expect_valid_video(*o.output, expected_frames(o.song, 2048), 2048);
    fs::remove_all(dir);
}

TEST(RenderPipeline, TheOriginalsFailureCasesGiveValidVideos) {
    struct Case {
        std::string name, song;
        int num_classes;
        std::optional<double> duration;
    };
    const std::vector<Case> cases = {
        {"silent", "silence_2s.wav", 12, std::nullopt},
        {"shorter_than_a_batch", "short_0p3s.wav", 12, std::nullopt},
        {"one_class", "chords_3s.wav", 1, std::nullopt},
        {"five_classes", "chords_3s.wav", 5, std::nullopt},
        {"duration_past_the_end", "chords_3s.wav", 12, 100.0},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const fs::path dir = fresh_dir(c.name);
        auto o = options_in(dir, c.song);
        o.batch_size = 20;
        o.segment_frames = 256;
        o.num_classes = c.num_classes;
        o.duration = c.duration;
        render::render(o, stand_in());
        const std::int64_t frames = expected_frames(o.song, 2048);
        expect_valid_video(*o.output, frames, 2048);
        // Saved vectors cover every frame and are finite.
        const auto saved = read_saved_vectors(o.vectors_dir);
        EXPECT_EQ(saved.count, frames);
        for (const double v : saved.classes)
            ASSERT_TRUE(std::isfinite(v));
        fs::remove_all(dir);
    }
}

TEST(RenderPipeline, SavedVectorsAndRecordAreReusable) {
    const fs::path dir = fresh_dir("reuse");
    auto o = options_in(dir, "chords_3s.wav");
    render::render(o, stand_in());
    const auto record =
        nlohmann::json::parse(read_file_text(o.vectors_dir / render::kSavedRecordFile));
    EXPECT_EQ(record.at("identity").at("seed"), 5);
    EXPECT_EQ(record.at("classes").size(), 12u);
    EXPECT_EQ(record.at("identity").at("song_sha256").get<std::string>().size(), 64u);
    const auto first = decode_rgb(*o.output);

    // The vectors as the original tool wrote them (float64 .npy, no record): same video.
    fs::remove(o.vectors_dir / render::kSavedRecordFile);
    fs::remove(*o.output);
    auto again = o;
    again.use_last_vectors = true;
    again.seed.reset();
    render::render(again, stand_in());
    EXPECT_TRUE(first == decode_rgb(*o.output));

    // --use_last_classes keeps the classes; the order is recovered from the record when there.
    auto classes_again = o;
    classes_again.use_last_classes = true;
    classes_again.seed = 77;
    fs::remove(*o.output);
    render::render(classes_again, stand_in());
    const auto second =
        nlohmann::json::parse(read_file_text(o.vectors_dir / render::kSavedRecordFile));
    auto sorted = [](std::vector<int> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    EXPECT_EQ(sorted(second.at("classes").get<std::vector<int>>()),
              sorted(record.at("classes").get<std::vector<int>>()));
    fs::remove_all(dir);
}

TEST(RenderPipeline, ContradictingFlagsGetOneLine) {
    const fs::path dir = fresh_dir("flags");
    auto o = options_in(dir, "chords_3s.wav");
    o.classes = {1, 2, 3};
    o.num_classes = 4;
    EXPECT_THROW(render::render(o, stand_in()), UsageError);
    o.num_classes = 3;
    o.lyrics = dir / "lyrics.txt";
    EXPECT_THROW(render::render(o, stand_in()), UsageError);
    fs::remove_all(dir);
}

TEST(RenderPipeline, LyricsChooseTheClasses) {
    // With the tiny MiniLM test model of model/bert (text/ tests the choice itself): the render
    // takes its classes from the lyrics, records them, and makes a valid video.
    const fs::path dir = fresh_dir("lyrics");
    auto o = lyrics_options_in(dir, "lyrics.txt",
                               "a dog on the beach\na car in the rain\nthe moon over the sea\n");
    o.encoding_strategy = text::SelectionStrategy::best;
    render::render(o, stand_in());
    expect_valid_video(*o.output, expected_frames(o.song, 2048), 2048);
    const auto record =
        nlohmann::json::parse(read_file_text(o.vectors_dir / render::kSavedRecordFile));
    const auto classes = record.at("classes").get<std::vector<int>>();
    EXPECT_EQ(classes.size(), 3u);
    EXPECT_EQ(std::set<int>(classes.begin(), classes.end()).size(), 3u);
    ::unsetenv("BIGGANVIZ_CACHE");
    fs::remove_all(dir);
}

// Issue 11, item 14: a render printed each lyrics warning twice (the early check read the file,
// then the plan read it again); now once.
TEST(RenderPipeline, EachLyricsWarningIsSaidOnce) {
    const fs::path dir = fresh_dir("lyrics_warning");
    auto o = lyrics_options_in(dir, "song.lrc",
                               "[00:00.50]a dog on the beach\n[00:xx]broken stamp\n"
                               "[00:01.00]a car in the rain\n[00:01.50]the moon over the sea\n");
    const bgv::log::Capture captured;
    render::render(o, stand_in());
    EXPECT_EQ(captured.count("malformed time stamp [00:xx]", bgv::log::Level::warn), 1U)
        << captured.text();
    EXPECT_EQ(captured.count("malformed time stamp"), 1U) << captured.text();
    ::unsetenv("BIGGANVIZ_CACHE");
    fs::remove_all(dir);
}

TEST(RenderPipeline, TimedLyricsLeadTheClassVectorsWhileSung) {
    // One LRC line sung from 1.0 s to 2.5 s: frames 11..26 at 22050/2048 fps. Smoothing windows
    // of 5 frames (-sf 20 at -fl 2048) that lie wholly inside, [15, 20) and [20, 25), blend only
    // cue frames, so frames 15..19 give the line's class exactly 1 and every other class at most
    // half its (<= 1.01) weight.
    const fs::path dir = fresh_dir("timed_lyrics");
    auto o = lyrics_options_in(dir, "lyrics.lrc", "[00:01.00]a dog on the beach\n[00:02.50]\n");
    const bgv::log::Capture captured;
    render::render(o, stand_in());
    EXPECT_EQ(captured.count("timed lyrics: 1 lines lead the class vectors while they are sung",
                             bgv::log::Level::info),
              1U)
        << captured.text();
    const auto saved = read_saved_vectors(o.vectors_dir);
    for (int f = 15; f < 20; ++f) {
        const std::vector<double> row = class_weights_largest_first(saved, f);
        EXPECT_DOUBLE_EQ(row[0], 1.0) << f;
        EXPECT_LE(row[1], 0.51) << f;
    }
    ::unsetenv("BIGGANVIZ_CACHE");
    fs::remove_all(dir);
}

// Two timed lines: the class that leads the class vectors changes when the sung line changes.
// At 22050/2048 fps, line one holds frames 6..18 and line two frames 19..32; the smoothing
// windows of 5 frames [10, 15) and [25, 30) see only one line each, so their first frames (which
// carry no weight of the next window) belong to one class each.
TEST(RenderPipeline, TimedLyricsChangeTheLeadingClassWhenTheLineChanges) {
    const fs::path dir = fresh_dir("timed_lyrics_two_lines");
    auto o = lyrics_options_in(dir, "lyrics.lrc",
                               "[00:00.50]a golden retriever runs on the beach\n"
                               "[00:01.70]the volcano erupts into the night sky\n");
    o.encoding_strategy = text::SelectionStrategy::best;
    render::render(o, stand_in());
    const auto saved = read_saved_vectors(o.vectors_dir);
    const auto leading_class = [&](int frame) {
        const auto row = saved.classes.begin() + frame * 1000;
        return static_cast<int>(std::max_element(row, row + 1000) - row);
    };
    const std::vector<int> classes = render::load_saved_classes(o.vectors_dir);
    const int first = leading_class(10);
    const int second = leading_class(25);
    EXPECT_NE(first, second) << "the leading class did not change with the line";
    EXPECT_NE(std::find(classes.begin(), classes.end(), first), classes.end());
    EXPECT_NE(std::find(classes.begin(), classes.end(), second), classes.end());
    for (int f = 10; f < 13; ++f)
        EXPECT_EQ(leading_class(f), first) << f;
    for (int f = 25; f < 28; ++f)
        EXPECT_EQ(leading_class(f), second) << f;
    // Not the chroma's doing: at those frames the sung line's class has weight exactly 1 and every
    // other class at most half of its (<= 1.01) weight, which only the cue rule produces.
    for (const int f : {10, 25}) {
        const std::vector<double> row = class_weights_largest_first(saved, f);
        EXPECT_DOUBLE_EQ(row[0], 1.0) << f;
        EXPECT_LE(row[1], 0.51) << f;
    }
    ::unsetenv("BIGGANVIZ_CACHE");
    fs::remove_all(dir);
}
