// bigganviz render end to end: the real command on a small generated BigGAN-deep (tiny128:
// 128 px, channel width 4) and a 3 s fixture song; the video checked with ffprobe and its decoded
// frames compared with frames generated from the saved vectors; kill -9 and resume.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <tuple>

#include "core/file.h"
#include "core/npy.h"
#include "model/biggan/generator.h"  // to_rgb8: pixels as the published tools make them
#include "render_test_support.h"

using namespace bgv::test;

namespace {
const fs::path kBinary = fs::path(BGV_BINARY_DIR) / "src/cli/bigganviz";
const fs::path kModel = fs::path(BGV_TEST_DATA) / "model/biggan/data/tiny128";
// Few frames keep the test fast: 8192 samples per frame, 2.69 frames per second.
constexpr int kHop = 8192;
constexpr std::int64_t kFrames = (2 * 22050 + kHop - 1) / kHop;  // -d 2 of the song: 6 frames
constexpr double kTruncation = 0.6;

// Runs bigganviz in `dir` with `arguments`; returns the wait status, stderr in `log`.
int run_bigganviz(const fs::path& dir, const std::string& arguments, std::string* log = nullptr,
                  const std::string& environment = "") {
    const fs::path err = dir / "stderr.txt";
    const std::string command = "cd '" + dir.string() + "' && " + environment + " '" +
                                kBinary.string() + "' " + arguments + " 2> '" + err.string() + "'";
    const int status = std::system(command.c_str());
    if (log != nullptr) {
        std::ifstream in(err);
        *log = std::string(std::istreambuf_iterator<char>(in), {});
    }
    return status;
}

double mean_luma_error(const char* decoded, std::span<const std::uint8_t> expected) {
    double error = 0;
    const std::size_t pixels = expected.size() / 3;
    for (std::size_t i = 0; i < pixels; ++i) {
        double luma[2] = {0, 0};
        for (int c = 0; c < 3; ++c) {
            const double weight = c == 0 ? 0.2126 : c == 1 ? 0.7152 : 0.0722;
            luma[0] += weight * static_cast<std::uint8_t>(decoded[3 * i + c]);
            luma[1] += weight * expected[3 * i + c];
        }
        error += std::abs(luma[0] - luma[1]);
    }
    return error / static_cast<double>(pixels);
}

// Starts bigganviz in `dir` with `arguments`, held once it has finished `pieces` pieces (the test
// hold of render/hooks.h); its output comes back as it is written.
std::unique_ptr<RunningCommand> start_held_bigganviz(const fs::path& dir,
                                                     const std::string& arguments, int pieces) {
    return std::make_unique<RunningCommand>(
        fmt::format("cd '{}' && BIGGANVIZ_TEST_HOLD_AFTER_PIECES={} exec '{}' {}", dir.string(),
                    pieces, kBinary.string(), arguments));
}

std::string render_arguments(double truncation = kTruncation, int piece_frames = 2) {
    return fmt::format(
        "-s '{}' --weights '{}' -fl {} -d 2 -t {} --seed 3 -bs {} --segment_frames {} "
        "--threads 1 -o out.mp4",
        (render_data() / "chords_3s.wav").string(), kModel.string(), kHop, truncation, piece_frames,
        piece_frames);
}
}  // namespace

TEST(RenderEndToEnd, VideoMatchesFramesGeneratedFromTheSavedVectors) {
    const fs::path dir = fresh_dir("e2e");
    std::string log;
    ASSERT_EQ(run_bigganviz(dir, render_arguments(), &log), 0) << log;
    const fs::path video = dir / "out.mp4";

    const Probe p = probe(video);
    EXPECT_EQ(p.video.at("codec_name"), "h264");
    EXPECT_EQ(p.video.at("pix_fmt"), "yuv420p");
    EXPECT_EQ(p.video.at("width"), 128);
    EXPECT_EQ(p.video.at("height"), 128);
    EXPECT_EQ(p.video.at("r_frame_rate"), "11025/4096");  // 22050 / 8192 exactly
    EXPECT_EQ(std::stoll(p.video.at("nb_read_frames").get<std::string>()), kFrames);
    EXPECT_EQ(p.audio.at("codec_name"), "aac");
    // 2 s of the song; the video ends within one frame (0.37 s) after it, the audio with it.
    const double frame = kHop / 22050.0;
    EXPECT_NEAR(seconds(p.video), kFrames * frame, 1e-3);
    EXPECT_NEAR(seconds(p.audio), 2.0, 0.03);  // AAC frames of 1024 samples at 44.1 kHz
    EXPECT_LT(seconds(p.video) - seconds(p.audio), frame);

    // Frames made by `bigganviz generate` from the saved vectors (float64, as the original tool
    // wrote them).
    const auto noise = bgv::read_npy_f64(dir / "saved_vectors/noise_vectors.npy");
    const auto classes = bgv::read_npy_f64(dir / "saved_vectors/class_vectors.npy");
    ASSERT_EQ(noise.shape, (std::vector<std::int64_t>{kFrames, 128}));
    ASSERT_EQ(classes.shape, (std::vector<std::int64_t>{kFrames, 1000}));
    ASSERT_EQ(run_bigganviz(dir,
                            fmt::format("generate --weights '{}' --noise "
                                        "saved_vectors/noise_vectors.npy --class_vector "
                                        "saved_vectors/class_vectors.npy --truncation {} "
                                        "--threads 1 --out generated.npy",
                                        kModel.string(), kTruncation),
                            &log),
              0)
        << log;
    const auto generated = bgv::read_npy_f32(dir / "generated.npy");
    ASSERT_EQ(generated.shape, (std::vector<std::int64_t>{kFrames, 3, 128, 128}));
    const std::vector<float>& images = generated.data;

    const std::string decoded = decode_rgb(video);
    const std::size_t frame_bytes = 128 * 128 * 3;
    ASSERT_EQ(decoded.size(), kFrames * frame_bytes);
    std::vector<std::uint8_t> expected(kFrames * frame_bytes);
    for (std::int64_t f = 0; f < kFrames; ++f) {
        bgv::biggan::to_rgb8(
            std::span<const float>(images).subspan(f * 3 * 128 * 128, 3 * 128 * 128), 128,
            std::span(expected).subspan(f * frame_bytes, frame_bytes));
    }
    // The same frames through ffmpeg's own converter, lossless: what yuv420p alone keeps of them.
    // The test model paints saturated blocks with hard edges, and 4:2:0 chroma plus clipping
    // changes those by up to ~7 levels of luma; compared with that, the video may only differ by
    // what CRF 17 loses.
    {
        std::ofstream raw(dir / "expected.rgb", std::ios::binary);
        raw.write(reinterpret_cast<const char*>(expected.data()),
                  static_cast<std::streamsize>(expected.size()));
    }
    run_output("ffmpeg -v error -f rawvideo -pix_fmt rgb24 -s 128x128 -r 1 -i '" +
               (dir / "expected.rgb").string() +
               "' -vf scale=out_color_matrix=bt709:flags=bicubic+accurate_rnd+full_chroma_inp "
               "-c:v libx264 -qp 0 -pix_fmt yuv420p -colorspace bt709 -color_primaries bt709 "
               "-color_trc bt709 '" +
               (dir / "expected.mp4").string() + "'");
    const std::string lossless = decode_rgb(dir / "expected.mp4");
    ASSERT_EQ(lossless.size(), decoded.size());
    double worst = 0, worst_raw = 0, nearest_other = 1e9;
    for (std::int64_t f = 0; f < kFrames; ++f) {
        const auto* reference =
            reinterpret_cast<const std::uint8_t*>(lossless.data()) + f * frame_bytes;
        worst = std::max(worst, mean_luma_error(decoded.data() + f * frame_bytes,
                                                std::span(reference, frame_bytes)));
        worst_raw = std::max(
            worst_raw, mean_luma_error(decoded.data() + f * frame_bytes,
                                       std::span(expected).subspan(f * frame_bytes, frame_bytes)));
        if (f + 1 < kFrames)
            nearest_other =
                std::min(nearest_other, mean_luma_error(decoded.data() + (f + 1) * frame_bytes,
                                                        std::span(reference, frame_bytes)));
    }
    // CRF 17 is near-transparent: under 2 levels of luma (of 255) on average in every frame.
    EXPECT_LT(worst, 2.0);
    // Against the generator's own pixels: under 8 (4:2:0 on hard saturated edges, see above);
    // the neighbouring frame, for scale, is much further off.
    EXPECT_LT(worst_raw, 8.0);
    EXPECT_GT(nearest_other, 10.0);
    fs::remove_all(dir);
}

TEST(RenderEndToEnd, KilledRenderResumesToTheUninterruptedFrames) {
    const fs::path clean = fresh_dir("e2e_clean");
    const fs::path killed = fresh_dir("e2e_killed");
    std::string log;
    ASSERT_EQ(run_bigganviz(clean, render_arguments(), &log), 0) << log;

    // A real SIGKILL from outside once the first piece (frames 0-1) is finished: the render holds
    // there until killed, so it cannot have gone further.
    const auto first = start_held_bigganviz(killed, render_arguments(), 1);
    const bool held = first->wait_for("bigganviz: test hold after 1 pieces (piece 0)\n");
    ::kill(first->pid(), SIGKILL);
    EXPECT_EQ(first->finish(), 128 + SIGKILL);
    ASSERT_TRUE(held) << first->output();
    EXPECT_FALSE(fs::exists(killed / "out.mp4"));
    EXPECT_TRUE(fs::exists(killed / "out.mp4.partial/segment_000000.mp4"));

    ASSERT_EQ(run_bigganviz(killed, render_arguments(), &log), 0) << log;
    EXPECT_NE(log.find("resuming from frame 2 of 6 (1 of 3 pieces done)"), std::string::npos)
        << log;
    EXPECT_FALSE(fs::exists(killed / "out.mp4.partial"));
    const std::string a = decode_rgb(clean / "out.mp4"), b = decode_rgb(killed / "out.mp4");
    ASSERT_EQ(a.size(), kFrames * 128 * 128 * 3);
    EXPECT_TRUE(a == b) << "decoded frames differ after resume";

    // (A changed parameter restarting instead is tested in test_pipeline.cpp, more cheaply.)
    fs::remove_all(clean);
    fs::remove_all(killed);
}

TEST(RenderEndToEnd, ContradictingFlagsGetOneClearLine) {
    const fs::path dir = fresh_dir("e2e_flags");
    const std::string song = (render_data() / "chords_3s.wav").string();
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"-s '" + song + "' -c 1 2 3 -n 4", "--classes lists 3 classes but --num_classes is 4"},
        {"-s '" + song + "' -c 1 2 3 -l lyrics.txt", "--classes and --lyrics"},
    };
    for (const auto& [arguments, message] : cases) {
        std::string log;
        const int status = run_bigganviz(dir, arguments, &log);
        EXPECT_EQ(WEXITSTATUS(status), 2) << log;
        EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
        EXPECT_NE(log.find("bigganviz: error: " + message), std::string::npos) << log;
    }
    fs::remove_all(dir);
}

// Bad songs are reported in one line naming the file, before the model store is asked for
// anything (here offline with an empty cache, which would otherwise be the error).
TEST(RenderEndToEnd, ABadSongIsOneLineBeforeTheModelIsFetched) {
    const fs::path dir = fresh_dir("e2e_bad_song");
    bgv::write_file_atomic(dir / "notes.mp3", "these are not sounds\n");
    const std::string offline =
        "BIGGANVIZ_OFFLINE=1 BIGGANVIZ_CACHE='" + (dir / "empty-cache").string() + "'";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"-s missing.mp3 -r 128", "bigganviz: error: missing.mp3: no such file\n"},
        {"-s '" + dir.string() + "' -r 128",
         "bigganviz: error: " + dir.string() + ": is not a file\n"},
    };
    for (const auto& [arguments, message] : cases) {
        std::string log;
        const int status = run_bigganviz(dir, arguments, &log, offline);
        EXPECT_EQ(WEXITSTATUS(status), 1) << log;
        EXPECT_EQ(log, message);
    }
    // A file that is no audio gets past the store only with --weights: one line naming it.
    std::string log;
    const int status = run_bigganviz(dir, "-s notes.mp3 --weights '" + kModel.string() + "'", &log);
    EXPECT_EQ(WEXITSTATUS(status), 1) << log;
    EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
    EXPECT_TRUE(log.starts_with("bigganviz: error: notes.mp3: ")) << log;
    EXPECT_FALSE(fs::exists(dir / "output")) << "nothing may be written for a bad song";
    fs::remove_all(dir);
}

// SIGTERM (exit 143) and SIGINT (exit 130) stop the render cleanly between batches with one line;
// the same command then resumes to the frames of an uninterrupted render. Before: SIGTERM exited
// 130.
TEST(RenderEndToEnd, SigtermAndSigintStopCleanlyAndResume) {
    const fs::path clean = fresh_dir("e2e_signal_clean");
    const fs::path stopped = fresh_dir("e2e_signal_stopped");
    const std::string arguments = render_arguments(kTruncation, 1);
    std::string log;
    ASSERT_EQ(run_bigganviz(clean, arguments, &log), 0) << log;
    const std::string message = "bigganviz: interrupted; run the same command again to resume\n";
    // SIGTERM once piece 0 is finished, SIGINT once the next run has finished pieces 1 and 2: each
    // run holds there until its signal comes.
    for (const auto& [signal, pieces, last, code] :
         {std::tuple{SIGTERM, 1, 0, 143}, {SIGINT, 2, 2, 130}}) {
        SCOPED_TRACE(signal);
        const auto render = start_held_bigganviz(stopped, arguments, pieces);
        const bool held = render->wait_for(
            fmt::format("bigganviz: test hold after {} pieces (piece {})\n", pieces, last));
        ::kill(render->pid(), signal);
        EXPECT_EQ(render->finish(), code);
        ASSERT_TRUE(held) << render->output();
        log = render->output();
        EXPECT_NE(log.find(message), std::string::npos) << log;
        EXPECT_EQ(log.find(message), log.rfind(message)) << log;
        EXPECT_EQ(log.find("error"), std::string::npos) << log;
        EXPECT_FALSE(fs::exists(stopped / "out.mp4"));
    }
    ASSERT_EQ(run_bigganviz(stopped, arguments, &log), 0) << log;
    EXPECT_NE(log.find("resuming from frame 3 of 6 (3 of 6 pieces done)"), std::string::npos)
        << log;
    const std::string a = decode_rgb(clean / "out.mp4"), b = decode_rgb(stopped / "out.mp4");
    ASSERT_EQ(a.size(), kFrames * 128 * 128 * 3);
    EXPECT_TRUE(a == b) << "decoded frames differ after resume";
    fs::remove_all(clean);
    fs::remove_all(stopped);
}
