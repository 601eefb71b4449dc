// The live session in this process, on a file played silently (paced by the clock) with a
// stand-in generator that records what it is asked for: an OSC message changes the classes
// within two frames, a generator slower than the frame rate shows fewer frames while the sound
// goes on, and the frame log's power is the file render's mel power.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <lo/lo.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "audio/load.h"
#include "core/file.h"
#include "features/features.h"
#include "live/live_session.h"
#include "live_harness.h"
#include "media_check.h"
#include "render/frame_generator.h"

using namespace bgv;
using namespace bgv::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {
const fs::path kSong = kLiveData / "race1_jt_4s.flac";

// The classes a class vector gives weight to (a class whose pitch class is silent may have none).
std::set<int> classes_of(std::span<const float> y) {
    std::set<int> ids;
    for (int c = 0; c < 1000; ++c) {
        if (y[c] > 0)
            ids.insert(c);
    }
    return ids;
}

// For every frame asked of a RecordingGenerator: when it was asked and the classes it was given.
struct Call {
    Clock::time_point time;
    std::set<int> classes;
};
using Calls = std::vector<Call>;

// Records its calls into `calls` (which outlives the session that owns the generator); runs
// `at_call(call)` before making each frame; takes `pause` per frame.
class RecordingGenerator : public render::FrameGenerator {
  public:
    RecordingGenerator(std::chrono::milliseconds pause, std::function<void(int)> at_call,
                       Calls* calls = nullptr)
        : pause_(pause), at_call_(std::move(at_call)), calls_(calls) {}
    int width() const override { return 32; }
    int height() const override { return 32; }
    void set_grid(const biggan::Grid&) override {}  // live frames are square
    void generate(std::span<const float>, std::span<const float> y, int batch,
                  std::span<std::uint8_t> rgb) override {
        std::fill(rgb.begin(), rgb.end(), 100);
        at_call_(count_++);
        if (calls_)
            calls_->push_back({Clock::now(), classes_of(y.first(1000))});
        std::this_thread::sleep_for(pause_ * batch);
    }

  private:
    std::chrono::milliseconds pause_;
    std::function<void(int)> at_call_;
    Calls* calls_;
    int count_ = 0;
};

live::LiveOptions options_in(const fs::path& dir) {
    live::LiveOptions o;
    o.render.weights = dir / "weights.bin";
    write_file_atomic(*o.render.weights, "stand-in");
    o.render.seed = 7;
    o.render.classes = {1, 2, 3};
    o.render.num_classes = 3;
    o.render.fps = FrameRate{24, 1};
    o.input = kSong.string();
    o.playback = "none";
    o.window = false;
    return o;
}

std::vector<std::vector<std::string>> csv_rows(const fs::path& file) {
    std::ifstream in(file);
    std::vector<std::vector<std::string>> rows;
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cells;
        std::istringstream fields(line);
        for (std::string cell; std::getline(fields, cell, ',');)
            cells.push_back(cell);
        rows.push_back(cells);
    }
    return rows;
}
}  // namespace

TEST(LiveSession, AnOscMessageChangesTheClassesWithinTwoFrames) {
    const fs::path dir = fresh_temp_dir("live_osc");
    live::LiveOptions o = options_in(dir);
    o.osc_port = 0;  // a free port, named in the status file
    o.status_file = dir / "status.json";
    o.render.duration = 2.0;
    Clock::time_point sent{};
    // The stand-in sends the message itself while it makes the 12th frame, so the test knows
    // when it left (the session steps and polls on its own thread meanwhile). The warm-up's two
    // frames come first.
    Calls calls;
    const auto make = [&](const fs::path&, double, int) {
        return std::make_unique<RecordingGenerator>(
            std::chrono::milliseconds(0),
            [&](int call) {
                if (call != 12)
                    return;
                const auto status = nlohmann::json::parse(read_file_text(*o.status_file));
                const std::string port = std::to_string(status.at("osc").at("port").get<int>());
                lo_address to = lo_address_new("127.0.0.1", port.c_str());
                sent = Clock::now();
                lo_send(to, "/bigganviz/classes", "ii", 7, 8);
                lo_address_free(to);
            },
            &calls);
    };
    live::run_live_session(o, make);
    ASSERT_NE(sent, Clock::time_point{}) << "the session ended before its 12th frame";
    // Frames stepped after the message arrived carry only the new classes. A frame is stepped a
    // generator frame (here ~0) plus a 15 ms margin before it is due and the loop polls OSC
    // every 5 ms at least: frames asked for two frame periods (83 ms) and 25 ms after the
    // message are certainly stepped after it.
    const auto certainly_after = sent + std::chrono::milliseconds(83 + 25);
    int old_frames = 0, new_frames = 0;
    for (const auto& call : calls) {
        const auto within = [&](const std::set<int>& allowed) {
            return !call.classes.empty() && std::includes(allowed.begin(), allowed.end(),
                                                          call.classes.begin(), call.classes.end());
        };
        if (call.time < sent) {
            EXPECT_TRUE(within({1, 2, 3})) << fmt::format("{}", fmt::join(call.classes, " "));
            ++old_frames;
        } else if (call.time >= certainly_after) {
            EXPECT_TRUE(within({7, 8})) << fmt::format("{}", fmt::join(call.classes, " "));
            ++new_frames;
        }
    }
    EXPECT_GE(old_frames, 12);
    EXPECT_GE(new_frames, 10);  // 2 s at 24 fps: about 35 frames after the message
    EXPECT_FALSE(fs::exists(*o.status_file)) << "the status file goes with the session";
}

TEST(LiveSession, ASlowGeneratorShowsFewerFramesWhileTheSoundGoesOn) {
    const fs::path dir = fresh_temp_dir("live_slow");
    live::LiveOptions o = options_in(dir);
    o.render.duration = 3.0;
    o.record = dir / "session.mp4";
    o.frame_log = dir / "frames.csv";
    // 100 ms a frame against 41.7 ms at 24 fps: at most 10 of every 24 frames can be made.
    const auto make = [](const fs::path&, double, int) {
        return std::make_unique<RecordingGenerator>(std::chrono::milliseconds(100), [](int) {});
    };
    live::run_live_session(o, make);
    const auto rows = csv_rows(*o.frame_log);
    ASSERT_GE(rows.size(), 2u);
    const std::int64_t shown = static_cast<std::int64_t>(rows.size()) - 1;  // after the header
    EXPECT_LE(shown, 3 * 10 + 2) << "more frames shown than a 100 ms generator can make";
    EXPECT_GE(shown, 3 * 3) << "the session showed too few frames for a 100 ms generator";
    // The recording holds the session's 3 s of sound (a file is read ahead of its playback clock:
    // what was not heard yet is left out), and exactly 72 frames of picture at 24 fps (frames
    // repeated). The sound's stated duration includes AAC's 1024 samples of encoder delay and the
    // padding of its last frame: 3 s to 3 s + 2048 samples at 22050 Hz.
    const auto streams = probe_streams(*o.record).at("streams");
    ASSERT_EQ(streams.size(), 2u);
    const double video = std::stod(streams[0].at("duration").get<std::string>());
    const double sound = std::stod(streams[1].at("duration").get<std::string>());
    EXPECT_NEAR(video, 3.0, 1e-6);
    EXPECT_GE(sound, 3.0 - 1e-6);
    EXPECT_LE(sound, 3.0 + 2048.0 / 22050);
}

TEST(LiveSession, TheFrameLogsPowerIsTheFileRendersMelPower) {
    const fs::path dir = fresh_temp_dir("live_power");
    live::LiveOptions o = options_in(dir);
    o.render.duration = 3.5;
    o.frame_log = dir / "frames.csv";
    const auto make = [](const fs::path&, double, int) {
        return std::make_unique<RecordingGenerator>(std::chrono::milliseconds(0), [](int) {});
    };
    live::run_live_session(o, make);
    // The file render's mean mel power at the same hop: each logged frame names the analysis
    // frame it followed by its centre (audio_time = t·512 / 22050), and the streamed mel equals
    // the file's (features/stream_analysis), so the power must match to float precision.
    const auto pcm = audio::load_mono(kSong, features::kSampleRate);
    const auto file = features::compute_features(pcm.samples, features::kSampleRate, 512);
    const auto rows = csv_rows(*o.frame_log);
    ASSERT_EQ(rows.front(), (std::vector<std::string>{"frame", "audio_time", "shown_time",
                                                      "latency_ms", "beat", "tempo", "power"}));
    int compared = 0;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const double audio_time = std::stod(rows[r][1]);
        const auto t = static_cast<std::int64_t>(std::llround(audio_time * 22050 / 512));
        if (t < 2 || t >= file.frames)  // the first frames, before any sound, are silence
            continue;
        double mean = 0;
        for (int band = 0; band < 128; ++band)
            mean += file.mel[static_cast<std::size_t>(band * file.frames + t)];
        mean /= 128;
        // The log writes 6 significant digits.
        EXPECT_NEAR(std::stod(rows[r][6]), mean, 1e-5 * std::max(1.0, mean) + 1e-6)
            << "frame " << t;
        ++compared;
    }
    EXPECT_GE(compared, 70);  // 3.5 s at 24 fps
}
