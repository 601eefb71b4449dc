// `bigganviz live` as a program, against a real PulseAudio server with no sound card (a null
// sink whose monitor hears what paplay plays into it) and a real X server (Xvfb with openbox):
// the recorded session holds the frames, the song and its power; the window shows a generated
// picture and `f` makes it fullscreen. The small test model keeps it fast.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <fstream>
#include <sstream>

#include "audio/load.h"
#include "features/features.h"
#include "live_harness.h"
#include "media_check.h"

using namespace bgv::test;
namespace fs = std::filesystem;

namespace {
const fs::path kBinary = fs::path(BGV_BINARY_DIR) / "src/cli/bigganviz";
const fs::path kModel = fs::path(BGV_TEST_DATA) / "model/biggan/data/tiny128";
const fs::path kSong = fs::path(BGV_TEST_DATA) / "audio/data/race1-jt.ogg";  // 54 s, drums

std::vector<std::vector<double>> csv_numbers(const fs::path& file) {
    std::ifstream in(file);
    std::vector<std::vector<double>> rows;
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
        std::vector<double> cells;
        std::istringstream fields(line);
        for (std::string cell; std::getline(fields, cell, ',');)
            cells.push_back(std::stod(cell));
        rows.push_back(cells);
    }
    return rows;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
    double ma = 0, mb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ma += a[i];
        mb += b[i];
    }
    ma /= static_cast<double>(a.size());
    mb /= static_cast<double>(b.size());
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ab += (a[i] - ma) * (b[i] - mb);
        aa += (a[i] - ma) * (a[i] - ma);
        bb += (b[i] - mb) * (b[i] - mb);
    }
    return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}
}  // namespace

TEST(LiveCommand, ASessionHeardFromAPulseMonitorRecordsTheFramesTheSongAndItsPower) {
    LiveHarness harness("audio");
    ASSERT_TRUE(harness.started()) << harness.output();
    const fs::path dir = fresh_temp_dir("live_pulse");
    // The song plays into the sink from before the session starts until after it ends; the
    // player is stopped by its own process id (other players on the machine are left alone).
    const fs::path player = dir / "paplay.pid";
    BackgroundCommand song(
        fmt::format("timeout 45 paplay -d bgv_sink '{}' 2>&1 & echo $! >'{}'; wait", kSong.string(),
                    player.string()));
    const auto session = run_command(fmt::format(
        "'{}' live --input pulse:bgv_sink.monitor --no_window --record '{}' --frame_log '{}' "
        "-d 20 --weights '{}' -r 128 --seed 1 --fps 24 2>&1",
        kBinary.string(), (dir / "out.mp4").string(), (dir / "log.csv").string(), kModel.string()));
    run_command(fmt::format("kill $(cat '{}')", player.string()));  // timeout passes it on
    ASSERT_EQ(session.exit_code, 0) << session.output;

    // fps x 20 frames, within 2 %.
    const auto streams = probe_streams(dir / "out.mp4").at("streams");
    ASSERT_EQ(streams.size(), 2u) << streams.dump();
    const long frames = std::stol(streams[0].at("nb_read_frames").get<std::string>());
    EXPECT_NEAR(static_cast<double>(frames), 24.0 * 20, 0.02 * 24 * 20) << session.output;

    // Its sound is the song: the recording (past its first half second) found in the song with a
    // normalised cross-correlation of at least 0.9.
    const std::vector<float> heard = decoded_audio(dir / "out.mp4", 22050);
    ASSERT_GT(heard.size(), 22050u * 15);
    const auto pcm = bgv::audio::load_mono(kSong, 22050);
    const std::span<const float> recorded = std::span(heard).subspan(11025, 22050 * 14);
    const Alignment found = best_alignment(recorded, pcm.samples);
    EXPECT_GE(found.correlation, 0.9) << "at song sample " << found.lag;

    // The frame log's power follows the file render's (the mean mel power of each analysis frame
    // at hop 512) at the same times: correlation at least 0.95 at the best offset between the
    // input's seconds and the song's.
    // At least 5 shown frames a second to compare (about 24 when the machine keeps up; fewer when
    // other work holds the cores, which changes how many frames are shown, not their power).
    const auto rows = csv_numbers(dir / "log.csv");
    ASSERT_GE(rows.size(), 100u);
    const auto file = bgv::features::compute_features(pcm.samples, 22050, 512);
    std::vector<double> file_power(static_cast<std::size_t>(file.frames), 0.0);
    for (std::int64_t t = 0; t < file.frames; ++t) {
        for (int band = 0; band < 128; ++band)
            file_power[t] += file.mel[static_cast<std::size_t>(band * file.frames + t)] / 128;
    }
    double best = -1;
    std::int64_t best_offset = 0;
    for (std::int64_t offset = -file.frames; offset < file.frames; ++offset) {
        std::vector<double> live, offline;
        for (const auto& row : rows) {
            const std::int64_t t = std::llround(row[1] * 22050 / 512) + offset;
            if (t >= 0 && t < file.frames) {
                live.push_back(row[6]);
                offline.push_back(file_power[static_cast<std::size_t>(t)]);
            }
        }
        if (live.size() < rows.size() * 9 / 10)
            continue;
        if (const double r = pearson(live, offline); r > best) {
            best = r;
            best_offset = offset;
        }
    }
    EXPECT_GE(best, 0.95) << "at an offset of " << best_offset << " analysis frames";
}

TEST(LiveCommand, TheWindowShowsAGeneratedPictureAndFMakesItFullscreen) {
    LiveHarness harness("screen");
    ASSERT_TRUE(harness.started()) << harness.output();
    // In the sanitizer build, LeakSanitizer cannot name what SDL's X11 libraries (loaded and
    // unloaded by SDL itself) keep at exit, and no suppression can match a library it cannot
    // name: leak checking is off for this one program run (the live code's own allocations are
    // checked in-process by test_live and test_live_window; the option means nothing elsewhere).
    RunningCommand session(fmt::format(
        "ASAN_OPTIONS=detect_leaks=0 exec '{}' live --input '{}' --playback none --weights '{}' "
        "-r 128 --seed 2 -d 120",
        kBinary.string(), kSong.string(), kModel.string()));
    ASSERT_TRUE(session.wait_for("the first frame is on screen")) << session.output();
    // The screen read back: the window (768 x 768, in the middle of the 1024 x 768 screen) shows
    // a picture, not black: its pixels are bright on average and vary.
    const std::string screen = run_output("xwd -root -silent | convert xwd:- -depth 8 rgb:-");
    ASSERT_EQ(screen.size(), 1024u * 768 * 3);
    double sum = 0, squares = 0;
    std::size_t count = 0;
    for (int y = 200; y < 568; ++y) {
        for (int x = 328; x < 696; ++x) {
            for (int c = 0; c < 3; ++c) {
                const double v = static_cast<unsigned char>(screen[(y * 1024 + x) * 3 + c]);
                sum += v;
                squares += v * v;
                ++count;
            }
        }
    }
    const double mean = sum / count, deviation = std::sqrt(squares / count - mean * mean);
    EXPECT_GT(mean, 20) << "the window is black";
    EXPECT_GT(deviation, 10) << "the window is one flat colour";
    // f: the window fills the screen (openbox does it; the window reports its new size).
    const auto pressed = run_command(
        "xdotool search --sync --limit 1 --name '^bigganviz live$' windowactivate --sync key f "
        "2>&1");
    ASSERT_EQ(pressed.exit_code, 0) << pressed.output;
    const auto fullscreen = run_command(
        "for i in $(seq 100); do xdotool search --limit 1 --name '^bigganviz live$' "
        "getwindowgeometry | grep -q 'Geometry: 1024x768' && exit 0; sleep 0.1; done; exit 1");
    EXPECT_EQ(fullscreen.exit_code, 0) << "the window did not become fullscreen";
    // q ends the session cleanly.
    run_command(
        "xdotool search --sync --limit 1 --name '^bigganviz live$' windowactivate --sync key q");
    EXPECT_EQ(session.finish(), 0) << session.output();
}

// A file input that is missing, a folder, or no audio is one line naming it, before the model
// store is asked for anything (offline with an empty cache here, which would otherwise be the
// error: before, it was).
TEST(LiveCommand, ABadFileInputIsOneLineBeforeTheModelIsFetched) {
    const fs::path dir = fresh_temp_dir("live_bad_input");
    { std::ofstream(dir / "notes.mp3") << "these are not sounds\n"; }
    const std::string offline =
        fmt::format("BIGGANVIZ_OFFLINE=1 BIGGANVIZ_CACHE='{}'", (dir / "empty-cache").string());
    const std::vector<std::pair<std::string, std::string>> cases = {
        {(dir / "missing.mp3").string(), ": no such file"},
        {dir.string(), ": is not a file"},
        {(dir / "notes.mp3").string(), ""},
    };
    for (const auto& [input, says] : cases) {
        const auto result = run_command(fmt::format(
            "{} '{}' live --input '{}' --no_window -d 1 2>&1", offline, kBinary.string(), input));
        EXPECT_EQ(result.exit_code, 1) << result.output;
        EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
        EXPECT_TRUE(result.output.starts_with("bigganviz: error: ")) << result.output;
        EXPECT_NE(result.output.find(input + says), std::string::npos) << result.output;
        EXPECT_EQ(result.output.find("download"), std::string::npos) << result.output;
    }
    fs::remove_all(dir);
}
