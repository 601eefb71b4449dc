// bigganviz render in other shapes and formats (issue 17, docs/shapes.md), with the tiny128 test
// model: widened grids (16:9, 9:16) with exact stream sizes, frame counts and lengths; frames
// bit-identical to the generator's through lossless FFV1 (1:1 to the plain generator's); ProRes;
// a 1:1 render delivered at 1920x1080 over its blurred copy; bad combinations refused before any
// work; then, in-process, the resume of a widened ProRes render and the run identity's resolved
// settings. Lyrics as subtitles: test_subtitles.cpp.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "core/file.h"
#include "core/log.h"
#include "core/npy.h"
#include "model/biggan/generator.h"  // to_rgb8: pixels as the published tools make them
#include "render/video_settings.h"
#include "render_test_support.h"
#include "shape_renders.h"
#include "stand_in.h"

using namespace bgv::test;
using namespace bgv::test::shapes;

// 16:9 is 4×7 cells, 224×128 at 128 px; 9:16 is 7×4, 128×224. The frame count is the song's
// (ceil(2 s / frame)), the video lasts exactly that many frames, the AAC soundtrack the 2 s.
TEST(RenderShapes, WidenedRendersHaveTheGridsSizeFramesAndLength) {
    struct Case {
        std::string aspect;
        int width, height;
    };
    for (const auto& [aspect, width, height] :
         {Case{"16:9", 224, 128}, Case{"9:16", 128, 224}, Case{"21:9", 288, 128}}) {
        SCOPED_TRACE(aspect);
        const fs::path dir = fresh_dir("shape_" + std::to_string(width));
        render(dir, "-r 128 --aspect " + aspect + " -o out.mp4");
        const Probe p = probe(dir / "out.mp4");
        EXPECT_EQ(p.video.at("width"), width);
        EXPECT_EQ(p.video.at("height"), height);
        EXPECT_EQ(p.video.at("codec_name"), "h264");
        EXPECT_EQ(frames_read(p), kFrames);
        EXPECT_NEAR(seconds(p.video), kFrames * kFrameSeconds, 1e-3);
        EXPECT_NEAR(seconds(p.audio), 2.0, 0.03);  // AAC frames of 1024 samples at 44.1 kHz
        EXPECT_LT(seconds(p.video) - seconds(p.audio), kFrameSeconds);
        const auto record =
            nlohmann::json::parse(bgv::read_file_text(dir / "saved_vectors/run.json"));
        EXPECT_EQ(
            record.at("identity").at("grid"),
            (nlohmann::json{{"rows", height / 32}, {"cols", width / 32}, {"fill", "mirror"}}));
        fs::remove_all(dir);
    }
}

// Through FFV1 (RGB, lossless) the video's frames are the generator's bytes exactly: a widened
// render's those of `generate --aspect`, and a 1:1 render's those of the plain generator (no grid
// given: the code every render ran before grids existed).
TEST(RenderShapes, LosslessFramesAreTheGeneratorsBitForBit) {
    struct Case {
        std::string render, generate;
        int width, height;
    };
    for (const auto& [arguments, shape, width, height] :
         {Case{"--aspect 1:1", "", 128, 128},
          Case{"--aspect 16:9 --widen noise", "--aspect 16:9 --widen noise", 224, 128}}) {
        SCOPED_TRACE(arguments);
        const fs::path dir = fresh_dir("lossless");
        render(dir, arguments + " --codec ffv1 -o out.mkv");
        const Probe p = probe(dir / "out.mkv");
        EXPECT_EQ(p.video.at("codec_name"), "ffv1");
        EXPECT_EQ(p.video.at("pix_fmt"), "bgr0");
        EXPECT_EQ(p.audio.at("codec_name"), "flac");
        EXPECT_EQ(frames_read(p), kFrames);
        const std::string decoded = decode_rgb(dir / "out.mkv");
        const std::string expected = generated_rgb(dir, shape, width, height);
        ASSERT_EQ(decoded.size(), expected.size());
        EXPECT_TRUE(decoded == expected)
            << first_difference(decoded, expected, 3 * static_cast<std::size_t>(width) * height);
        fs::remove_all(dir);
    }
}

// ProRes 422 HQ (the default) and 4444 in .mov, with 16-bit PCM and BT.709 tags (which ProRes
// carries in each frame's header): the frames decode to exactly those of the ffmpeg program's
// prores_ks encoding of the same lossless frames, converted as the render converts them (swscale
// bicubic, accurate rounding, BT.709 limited range). Against the lossless frames themselves ProRes
// loses 6-17 levels on average here: the random-weight test model paints per-pixel saturated noise,
// the worst case for a DCT codec, so that comparison would say nothing about the render.
TEST(RenderShapes, ProResDecodesAsFfmpegsOwnProRes) {
    const fs::path dir = fresh_dir("prores");
    render(dir, "--codec ffv1 -o lossless.mkv");
    struct Case {
        std::string pix_fmt, profile;
    };
    for (const auto& [pix_fmt, profile] :
         {Case{"yuv422p10le", "HQ"}, Case{"yuv444p10le", "4444"}}) {
        SCOPED_TRACE(profile);
        render(dir, "--codec prores -o out.mov" +
                        (profile == "HQ" ? std::string() : " --pix_fmt " + pix_fmt));
        const Probe p = probe(dir / "out.mov");
        EXPECT_EQ(p.video.at("codec_name"), "prores");
        EXPECT_EQ(p.video.at("profile"), profile);
        // FFmpeg's decoder gives 4444 as 12-bit.
        EXPECT_EQ(p.video.at("pix_fmt"), profile == "HQ" ? pix_fmt : "yuv444p12le");
        EXPECT_EQ(p.video.at("color_space"), "bt709");
        EXPECT_EQ(p.video.at("color_primaries"), "bt709");
        EXPECT_EQ(p.video.at("color_transfer"), "bt709");
        EXPECT_EQ(p.audio.at("codec_name"), "pcm_s16le");
        EXPECT_EQ(frames_read(p), kFrames);
        run_output(fmt::format(
            "ffmpeg -v error -y -i '{}' -vf "
            "scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_inp "
            "-pix_fmt {} -c:v prores_ks -profile:v {} '{}'",
            (dir / "lossless.mkv").string(), pix_fmt, profile == "HQ" ? "hq" : "4444",
            (dir / "reference.mov").string()));
        const std::string reference = run_output(
            "ffmpeg -v error -i '" + (dir / "reference.mov").string() +
            "' -vf scale=in_color_matrix=bt709:in_range=tv -f rawvideo -pix_fmt rgb24 -");
        const std::string decoded = decode_rgb(dir / "out.mov");
        ASSERT_EQ(decoded.size(), kFrames * 128 * 128 * 3);
        ASSERT_EQ(reference.size(), decoded.size());
        EXPECT_TRUE(decoded == reference) << first_difference(decoded, reference, 128 * 128 * 3);
    }
    fs::remove_all(dir);
}

// A 1:1 render delivered at 1920x1080 with --fit blur: its middle 1080x1080 is the square scaled
// with lanczos, compared with the ffmpeg program's own lanczos scaling of the lossless frames:
// through FFV1 (lossless RGB) exactly those pixels, and through H.264 as close as x264 alone gets
// to them (the scaled frames encoded by the ffmpeg program at the render's settings). The sides
// are the blurred enlarged copy, not black bars.
TEST(RenderShapes, BlurFitDeliversTheScaledSquareInTheMiddle) {
    // 0.5 s of the song: 3 frames (a 1080p frame costs more to check than the others).
    const fs::path dir = fresh_dir("blur");
    constexpr std::int64_t kBlurFrames = 3;
    render(dir, "--codec ffv1 -o square.mkv", 0.5);
    render(dir, "--size 1920x1080 --fit blur --codec ffv1 -o lossless.mkv", 0.5);
    render(dir, "--size 1920x1080 --fit blur -o out.mp4", 0.5);
    for (const char* name : {"lossless.mkv", "out.mp4"}) {
        const Probe p = probe(dir / name);
        EXPECT_EQ(p.video.at("width"), 1920) << name;
        EXPECT_EQ(p.video.at("height"), 1080) << name;
        EXPECT_EQ(frames_read(p), kBlurFrames) << name;
    }
    const auto middle = [&](const char* name) {
        return run_output("ffmpeg -v error -i '" + (dir / name).string() +
                          "' -vf crop=1080:1080:420:0 -f rawvideo -pix_fmt rgb24 -");
    };
    run_output("ffmpeg -v error -i '" + (dir / "square.mkv").string() +
               "' -vf scale=1080:1080:flags=lanczos -f rawvideo -pix_fmt rgb24 '" +
               (dir / "scaled.rgb").string() + "'");
    const std::string scaled = bgv::read_file_text(dir / "scaled.rgb");
    ASSERT_EQ(scaled.size(), kBlurFrames * 1080 * 1080 * 3);
    const std::string lossless = middle("lossless.mkv");
    ASSERT_EQ(lossless.size(), scaled.size());
    EXPECT_TRUE(lossless == scaled) << first_difference(lossless, scaled, 1080 * 1080 * 3);

    run_output("ffmpeg -v error -f rawvideo -pix_fmt rgb24 -s 1080x1080 -r 1 -i '" +
               (dir / "scaled.rgb").string() +
               "' -vf scale=out_color_matrix=bt709:flags=bicubic+accurate_rnd+full_chroma_inp "
               "-c:v libx264 -crf 17 -preset veryfast -pix_fmt yuv420p '" +
               (dir / "x264.mp4").string() + "'");
    const std::string x264 = decode_rgb(dir / "x264.mp4");
    const std::string encoded = middle("out.mp4");
    ASSERT_EQ(x264.size(), scaled.size());
    ASSERT_EQ(encoded.size(), scaled.size());
    // Measured 2.90 levels against x264's own 2.73: the blurred sides change the encoder's
    // decisions near the middle's edges. Half a level more than x264's own error allows that.
    const double encoder_error = mean_abs(x264, scaled);
    EXPECT_LT(mean_abs(encoded, scaled), encoder_error + 0.5) << "x264 alone: " << encoder_error;

    // The left bar (420 columns) of every frame: the blurred copy, whose mean is far from black.
    const std::string decoded = decode_rgb(dir / "lossless.mkv");
    double bar = 0;
    for (std::int64_t f = 0; f < kBlurFrames; ++f)
        for (int y = 0; y < 1080; ++y)
            for (int x = 0; x < 420 * 3; ++x)
                bar += static_cast<std::uint8_t>(decoded[((f * 1080 + y) * 1920) * 3 + x]);
    EXPECT_GT(bar / (kBlurFrames * 1080.0 * 420 * 3), 20.0);
    fs::remove_all(dir);
}

// Each refused in one line, exit code 2, before any work: nothing is written, and (no --weights,
// an empty cache, offline) the model was never looked for, else that would be the error.
TEST(RenderShapes, BadCombinationsAreRefusedBeforeAnyWork) {
    const fs::path dir = fresh_dir("refused");
    bgv::write_file_atomic(dir / "plain.txt", "a dog on the beach\n");
    const std::string song = (render_data() / "chords_3s.wav").string();
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"--codec prores -o x.mp4",
         "--codec prores cannot be written to x.mp4: ProRes goes in .mov"},
        {"--size 0x0", "--size 0x0: width and height must be even numbers from 16 to 8192"},
        {"--aspect 10:1", "--aspect 10:1: the ratio must lie within 1:4 to 4:1"},
        {"--burn_subtitles",
         "--burn_subtitles needs timed lyrics: give -l with an .lrc or .srt file"},
        {"--burn_subtitles -l plain.txt",
         "--burn_subtitles needs timed lyrics, and plain.txt has no time stamps (give an LRC or "
         "SRT file)"},
        {"--codec ffv1 -o x.mp4", "--codec ffv1 cannot be written to x.mp4: FFV1 goes in .mkv"},
        {"--codec h264 --pix_fmt bgr0",
         "--pix_fmt bgr0: --codec h264 takes yuv420p, yuv422p, yuv444p or yuv420p10le"},
        {"--codec prores -o x.mov --crf 20",
         "--crf 20: --codec prores takes no CRF (its quality is fixed)"},
        {"--subtitle_size 30",
         "--subtitle_font, --subtitle_size and --subtitle_position style "
         "burned subtitles: add --burn_subtitles"},
    };
    for (const auto& [arguments, message] : cases) {
        SCOPED_TRACE(arguments);
        const auto result = run_command(fmt::format(
            "cd '{}' && BIGGANVIZ_OFFLINE=1 BIGGANVIZ_CACHE='{}' '{}' -s '{}' {} 2>&1",
            dir.string(), (dir / "empty_cache").string(), kBinary.string(), song, arguments));
        EXPECT_EQ(result.exit_code, 2);
        EXPECT_EQ(result.output, "bigganviz: error: " + message + "\n");
        std::vector<std::string> left;
        for (const auto& entry : fs::directory_iterator(dir))
            left.push_back(entry.path().filename().string());
        EXPECT_EQ(left, std::vector<std::string>{"plain.txt"});
    }
    fs::remove_all(dir);
}

// A 16:9 ProRes render killed after its first piece (in-process, with the stand-in generator that
// hangs: tests/render/stand_in.h) resumes from the pieces it left, written as .mov, to the frames
// of an uninterrupted render; another aspect or codec starts afresh and says why.
TEST(RenderShapes, AWidenedProResRenderResumesAndAChangedShapeStartsAfresh) {
    const fs::path clean_dir = fresh_dir("resume_clean");
    const fs::path killed_dir = fresh_dir("resume_killed");
    const auto shaped = [](bgv::render::RenderOptions o) {
        o.aspect = {16, 9};
        o.codec = bgv::video::Codec::prores;
        o.output = o.output->replace_extension(".mov");
        return o;
    };
    const auto clean = shaped(options_in(clean_dir, "chords_3s.wav"));
    bgv::render::render(clean, stand_in());
    const auto killed = shaped(options_in(killed_dir, "chords_3s.wav"));
    render_killed_after(killed, 6, 1);  // pieces of 4 frames: the first finished
    const fs::path partial = killed.output->string() + ".partial";
    EXPECT_TRUE(fs::exists(partial / "segment_000000.mov"));
    EXPECT_FALSE(fs::exists(*killed.output));
    {
        const bgv::log::Capture captured;
        bgv::render::render(killed, stand_in());
        EXPECT_EQ(captured.count("resuming from frame 4 of ", bgv::log::Level::info), 1U)
            << captured.text();
    }
    const Probe p = probe(*killed.output);
    EXPECT_EQ(p.video.at("codec_name"), "prores");
    EXPECT_EQ(p.video.at("width"), 56);  // the stand-in paints 8 px per cell: 7 × 4 cells
    EXPECT_EQ(p.video.at("height"), 32);
    const std::string a = decode_rgb(*clean.output), b = decode_rgb(*killed.output);
    EXPECT_EQ(a.size(), static_cast<std::size_t>(frames_read(p)) * 56 * 32 * 3);
    EXPECT_TRUE(a == b) << "decoded frames differ after resume";

    struct Change {
        std::function<void(bgv::render::RenderOptions&)> apply;
        std::string said;
    };
    for (const auto& [apply, said] :
         {Change{[](auto& o) {
                     o.aspect = {9, 16};
                 },
                 "starting afresh: grid changed (was {\"cols\":7,\"fill\":\"mirror\",\"rows\":4}, "
                 "now {\"cols\":4,\"fill\":\"mirror\",\"rows\":7})"},
          Change{[](auto& o) { o.pix_fmt = "yuv444p10le"; }, "starting afresh: video changed"}}) {
        SCOPED_TRACE(said);
        fs::remove_all(killed_dir);
        fs::create_directories(killed_dir);
        auto o = shaped(options_in(killed_dir, "chords_3s.wav"));
        render_killed_after(o, 6, 1);
        apply(o);
        const bgv::log::Capture captured;
        bgv::render::render(o, stand_in());
        EXPECT_EQ(captured.count(said, bgv::log::Level::info), 1U) << captured.text();
        EXPECT_EQ(captured.count("resuming"), 0U) << captured.text();
    }
    fs::remove_all(clean_dir);
    fs::remove_all(killed_dir);
}

// The identity holds what decides the file, resolved: an unset --crf is the codec's default (x264
// 17, x265 20; none for ProRes), the fill of the square grid and the fit of an unscaled video
// change nothing, while the grid, the codec's defaults and the container do.
TEST(RenderShapes, TheIdentityHoldsTheResolvedSettings) {
    using bgv::render::video_request;
    bgv::render::RenderOptions o;
    o.song = "song.wav";
    const auto with = [&](auto change) {
        bgv::render::RenderOptions changed = o;
        change(changed);
        return video_request(changed);
    };
    EXPECT_EQ(video_request(o).at("video").at("crf"), 17);
    EXPECT_EQ(video_request(o), with([](auto& c) { c.crf = 17; }));
    EXPECT_EQ(video_request(o), with([](auto& c) { c.widen = bgv::biggan::Widen::noise; }));
    EXPECT_EQ(video_request(o), with([](auto& c) { c.fit = bgv::video::Fit::pad; }));
    EXPECT_EQ(video_request(o).at("grid"),
              (nlohmann::json{{"rows", 4}, {"cols", 4}, {"fill", nullptr}}));
    EXPECT_EQ(video_request(o).at("video").at("container"), "mp4");
    EXPECT_EQ(with([](auto& c) { c.codec = bgv::video::Codec::hevc; }).at("video").at("crf"), 20);
    EXPECT_EQ(with([](auto& c) { c.codec = bgv::video::Codec::prores; }).at("video").at("crf"),
              nullptr);
    EXPECT_EQ(with([](auto& c) { c.codec = bgv::video::Codec::ffv1; }).at("video").at("container"),
              "matroska");  // the default output, output/song.mkv
    EXPECT_EQ(with([](auto& c) { c.output = "x.mov"; }).at("video").at("container"), "mov");
    EXPECT_EQ(with([](auto& c) {
                  c.aspect = {2.39, 1};
              }).at("grid"),
              (nlohmann::json{{"rows", 4}, {"cols", 10}, {"fill", "mirror"}}));
    EXPECT_EQ(with([](auto& c) {
                  c.size = bgv::video::FrameSize{1920, 1080};
                  c.fit = bgv::video::Fit::blur;
              })
                  .at("video")
                  .at("size"),
              nlohmann::json::array({1920, 1080}));
    EXPECT_EQ(video_request(o).at("burned_subtitles"), nullptr);
    EXPECT_EQ(with([](auto& c) {
                  c.burn_subtitles = true;
                  c.subtitle_position = bgv::video::SubtitlePosition::top;
              }).at("burned_subtitles"),
              (nlohmann::json{{"font", "DejaVu Sans"}, {"size", nullptr}, {"position", "top"}}));
}
