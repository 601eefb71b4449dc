// `bigganviz analyze` end to end: the built binary on real files, its outputs, exit codes and
// one-line errors, and that a failed run leaves no files behind.
#include <gtest/gtest.h>
#include <png.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "audio/flac_writer.h"
#include "core/file.h"
#include "core/npy.h"
#include "support/numeric.h"
#include "support/process.h"

namespace bgv::cli {
namespace {

namespace fs = std::filesystem;

const fs::path kBinary = fs::path(BGV_BINARY_DIR) / "src" / "cli" / "bigganviz";
const fs::path kAudio = fs::path(BGV_TEST_DATA) / "audio" / "data";
const fs::path kCliData = fs::path(BGV_TEST_DATA) / "cli" / "data";
const fs::path kRhythmData = fs::path(BGV_TEST_DATA) / "features" / "data" / "rhythm";

class Analyze : public testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("bgv_test_analyze_" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    test::SeparateOutputs run_binary(const std::string& arguments) {
        return test::run_command_separately("'" + kBinary.string() + "' " + arguments, dir_);
    }

    static std::set<std::string> listing(const fs::path& folder) {
        std::set<std::string> names;
        for (const auto& entry : fs::directory_iterator(folder))
            names.insert(entry.path().filename().string());
        return names;
    }

    // A failure: the exit code, one "bigganviz: error: ..." line mentioning `needle`.
    static void expect_one_line_error(const test::SeparateOutputs& result, int exit_code,
                                      const std::string& needle) {
        EXPECT_EQ(result.exit_code, exit_code) << result.err;
        EXPECT_TRUE(result.err.starts_with("bigganviz: error: ")) << result.err;
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
        EXPECT_NE(result.err.find(needle), std::string::npos) << result.err;
    }

    fs::path dir_;
};

const std::set<std::string> kOutputs = {
    "mel.npy",       "chroma.npy",    "spec_mean.npy",
    "grad_mean.npy", "features.json", "features.png",
    "rhythm.json",   "onset_env.npy", "onset_env_percussive.npy",
    "plp.npy",       "rms.npy",       "rms_h.npy",
    "rms_p.npy",     "chroma_h.npy"};

TEST_F(Analyze, StereoFlacMatchesLibrosaEndToEnd) {
    // 44.1 kHz stereo: decoding, mono mixing and soxr resampling all feed this comparison.
    const fs::path out = dir_ / "analysis";
    const test::SeparateOutputs result =
        run_binary("analyze -s '" + (kAudio / "stereo_sweep_noise_44k.flac").string() +
                   "' --out '" + out.string() + "' -q");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "");
    EXPECT_EQ(listing(out), kOutputs);

    const auto mel = read_npy_f32(out / "mel.npy");
    const auto reference = read_npy_f32(kCliData / "stereo_sweep_noise_44k__flac__hop512__mel.npy");
    ASSERT_EQ(mel.shape, (std::vector<std::int64_t>{128, 259}));  // 1 + 132300 / 512 frames
    ASSERT_EQ(mel.shape, reference.shape);
    double diff = 0, norm = 0;
    for (std::size_t i = 0; i < mel.data.size(); ++i) {
        diff += std::pow(double(mel.data[i]) - reference.data[i], 2);
        norm += std::pow(double(reference.data[i]), 2);
    }
    // Measured 8e-8: float32 rounding only. A resampler off by one sample gives over 1e-2.
    EXPECT_LE(std::sqrt(diff / norm), 1e-4);

    EXPECT_EQ(read_npy_f32(out / "chroma.npy").shape, (std::vector<std::int64_t>{12, 259}));
    EXPECT_EQ(read_npy_f32(out / "spec_mean.npy").shape, (std::vector<std::int64_t>{259}));
    EXPECT_EQ(read_npy_f32(out / "grad_mean.npy").shape, (std::vector<std::int64_t>{259}));

    const auto json = nlohmann::json::parse(read_file_text(out / "features.json"));
    EXPECT_EQ(json.at("sample_rate"), 22050);
    EXPECT_EQ(json.at("hop"), 512);
    EXPECT_EQ(json.at("frames"), 259);
    EXPECT_NEAR(json.at("fps").get<double>(), 22050.0 / 512, 1e-9);
    EXPECT_NEAR(json.at("duration").get<double>(), 6.0, 1e-9);
    const auto manifest = nlohmann::json::parse(read_file_text(kAudio / "librosa_manifest.json"));
    EXPECT_EQ(json.at("chromasort"),
              manifest["files"]["stereo_sweep_noise_44k.flac"]["hops"]["512"]["chromasort"]);
    EXPECT_TRUE(json.at("tuning").is_number());

    const std::string png = read_file_text(out / "features.png");
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    ASSERT_TRUE(png_image_begin_read_from_memory(&image, png.data(), png.size()));
    EXPECT_EQ(image.width, 48u + 600u + 12u);
    png_image_free(&image);
}

// The rhythm outputs of the chords at hop 512 against librosa 0.10.2 (features/data/rhythm): the
// same tempo, beats and onsets, their times, and every curve with its manifest name and shape.
TEST_F(Analyze, RhythmOutputsMatchLibrosa) {
    const fs::path out = dir_ / "rhythm";
    const test::SeparateOutputs result =
        run_binary("analyze -s '" + (kAudio / "chords_120bpm.wav").string() + "' --out '" +
                   out.string() + "' -q");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(listing(out), kOutputs);
    const auto manifest = nlohmann::json::parse(read_file_text(kRhythmData / "manifest.json"));
    const auto expected = manifest["files"]["chords_120bpm.wav"]["hops"]["512"];
    const std::int64_t frames = expected["frames"].get<std::int64_t>();

    const auto json = nlohmann::json::parse(read_file_text(out / "rhythm.json"));
    EXPECT_DOUBLE_EQ(json.at("tempo").get<double>(), expected["tempo"].get<double>());
    EXPECT_EQ(json.at("hop"), 512);
    EXPECT_EQ(json.at("frames"), frames);
    EXPECT_EQ(json.at("beats"), expected["beats"]);
    EXPECT_EQ(json.at("onsets"), expected["onsets"]);
    for (const auto& [frames_key, times_key] :
         {std::pair{"beats", "beat_times"}, std::pair{"onsets", "onset_times"}}) {
        const auto indices = json.at(frames_key).get<std::vector<std::int64_t>>();
        const auto times = json.at(times_key).get<std::vector<double>>();
        ASSERT_EQ(times.size(), indices.size()) << times_key;
        for (std::size_t i = 0; i < times.size(); ++i)
            EXPECT_DOUBLE_EQ(times[i], static_cast<double>(indices[i]) * 512 / 22050) << i;
    }
    EXPECT_FALSE(json.at("beats").empty());

    for (const char* curve :
         {"onset_env", "onset_env_percussive", "plp", "rms", "rms_h", "rms_p", "chroma_h"}) {
        SCOPED_TRACE(curve);
        const auto ours = read_npy_f32(out / (std::string(curve) + ".npy"));
        const auto reference =
            read_npy_f32(kRhythmData / expected["arrays"][curve].get<std::string>());
        ASSERT_EQ(ours.shape, reference.shape);
        EXPECT_EQ(ours.shape.back(), frames);
        // The features tests measure <= 3e-7 on this file; 1e-4 is the bound.
        EXPECT_LE(test::relative_error(ours.data, reference.data), 1e-4);
    }
}

TEST_F(Analyze, FrameLengthAndDuration) {
    const fs::path out = dir_ / "a";
    const test::SeparateOutputs result =
        run_binary("analyze -s '" + (kAudio / "chords_120bpm.wav").string() +
                   "' -fl 1024 -d 2.5 --out '" + out.string() + "'");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    // int(2.5 * 22050) = 55125 samples; 1 + 55125 // 1024 = 54 frames.
    EXPECT_EQ(read_npy_f32(out / "spec_mean.npy").shape, (std::vector<std::int64_t>{54}));
    const auto json = nlohmann::json::parse(read_file_text(out / "features.json"));
    EXPECT_EQ(json.at("frames"), 54);
    EXPECT_EQ(json.at("hop"), 1024);
    EXPECT_NE(result.err.find(out.string()), std::string::npos) << result.err;  // says where
}

TEST_F(Analyze, FpsAndStart) {
    const fs::path out = dir_ / "a";
    const test::SeparateOutputs result =
        run_binary("analyze -s '" + (kAudio / "chords_120bpm.wav").string() +
                   "' --fps 24 --start 1 -d 2.5 --out '" + out.string() + "'");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    // 55125 samples from 1 s on; frames at 24 fps within them: 1 + floor(2.5 * 24) = 61.
    EXPECT_EQ(read_npy_f32(out / "spec_mean.npy").shape, (std::vector<std::int64_t>{61}));
    const auto json = nlohmann::json::parse(read_file_text(out / "features.json"));
    EXPECT_EQ(json.at("frames"), 61);
    EXPECT_EQ(json.at("frame_rate"), "24");
    EXPECT_DOUBLE_EQ(json.at("fps").get<double>(), 24.0);
    EXPECT_DOUBLE_EQ(json.at("start").get<double>(), 1.0);
    EXPECT_EQ(json.at("samples"), 55125);
    expect_one_line_error(run_binary("analyze -s '" + (kAudio / "short_0p3s.wav").string() +
                                     "' --fps 30 -fl 512 --out '" + (dir_ / "o").string() + "'"),
                          2, "both set the frame rate");
}

TEST_F(Analyze, SilenceAndAShortClipWork) {
    for (const char* name : {"all_silence_2s.wav", "short_0p3s.wav"}) {
        SCOPED_TRACE(name);
        const fs::path out = dir_ / name;
        const test::SeparateOutputs result = run_binary("analyze -s '" + (kAudio / name).string() +
                                                        "' --out '" + out.string() + "' -q");
        EXPECT_EQ(result.exit_code, 0) << result.err;
        EXPECT_EQ(listing(out), kOutputs);
        EXPECT_NO_THROW(nlohmann::json::parse(read_file_text(out / "features.json")));
        const auto rhythm = nlohmann::json::parse(read_file_text(out / "rhythm.json"));
        EXPECT_TRUE(rhythm.at("tempo").is_number());
        for (const char* curve : {"onset_env.npy", "plp.npy", "rms_p.npy", "chroma_h.npy"}) {
            for (const float v : read_npy_f32(out / curve).data)
                ASSERT_TRUE(std::isfinite(v)) << curve;
        }
    }
}

TEST_F(Analyze, MissingSongFailsAndCreatesNothing) {
    const fs::path out = dir_ / "never";
    const test::SeparateOutputs result = run_binary("analyze -s '" + (dir_ / "nope.mp3").string() +
                                                    "' --out '" + out.string() + "'");
    expect_one_line_error(result, 1, "nope.mp3: no such file");
    EXPECT_FALSE(fs::exists(out));
}

TEST_F(Analyze, NotAudioLeavesAnExistingFolderAsItWas) {
    const fs::path out = dir_ / "existing";
    fs::create_directories(out);
    std::ofstream(out / "keep.txt") << "mine";
    std::ofstream(dir_ / "notes.mp3") << std::string(3000, 'x');
    for (const fs::path& song : {dir_ / "notes.mp3", kAudio / "video_only.mp4", dir_}) {
        SCOPED_TRACE(song.string());
        const test::SeparateOutputs result =
            run_binary("analyze -s '" + song.string() + "' --out '" + out.string() + "'");
        expect_one_line_error(result, 1, song.filename().string());
        EXPECT_EQ(listing(out), std::set<std::string>{"keep.txt"});
    }
}

// Issue 18, item 4: ten hours of silence in 6.6 MB is refused from its header in one line naming
// the limit, and nothing is written; a section within the limit is analysed (reached by a seek).
TEST_F(Analyze, MaxDurationRefusesALongSongBeforeDecodingIt) {
    const fs::path song = dir_ / "ten_hours.flac";
    audio::test::write_silent_flac(song, 44100, 2, 387598);
    const fs::path out = dir_ / "long";
    expect_one_line_error(
        run_binary("analyze -s '" + song.string() + "' --max_duration 1800 --out '" + out.string() +
                   "'"),
        1, song.string() + ": 10:00:00 of audio is longer than the 30:00 limit (--max_duration)");
    EXPECT_FALSE(fs::exists(out));
    const test::SeparateOutputs tail =
        run_binary("analyze -s '" + song.string() + "' --start 35990 --max_duration 1800 --out '" +
                   out.string() + "'");
    EXPECT_EQ(tail.exit_code, 0) << tail.err;
    const auto summary = nlohmann::json::parse(read_file_text(out / "features.json"));
    EXPECT_NEAR(summary.at("duration").get<double>(), 10.03, 0.01);
}

TEST_F(Analyze, OutputThatIsAFileIsAnError) {
    std::ofstream(dir_ / "taken") << "x";
    const test::SeparateOutputs result =
        run_binary("analyze -s '" + (kAudio / "short_0p3s.wav").string() + "' --out '" +
                   (dir_ / "taken").string() + "' -q");
    expect_one_line_error(result, 1, "not a folder");
    EXPECT_EQ(read_file_text(dir_ / "taken"), "x");
}

TEST_F(Analyze, UsageErrorsExitWithTwo) {
    expect_one_line_error(run_binary("analyze --out '" + (dir_ / "o").string() + "'"), 2, "--song");
    expect_one_line_error(run_binary("analyze -s '" + (kAudio / "short_0p3s.wav").string() +
                                     "' -fl 100 --out '" + (dir_ / "o").string() + "'"),
                          2, "100");
    EXPECT_FALSE(fs::exists(dir_ / "o"));
}

}  // namespace
}  // namespace bgv::cli
