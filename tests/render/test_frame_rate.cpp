// bigganviz render at standard frame rates and on a section of the song (--fps, --start), with the
// tiny128 test model: the rate is exact, the frame count is ceil(duration·F), audio and video end
// within one frame, and a section renders exactly as the same audio cut into a file of its own.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/file.h"
#include "core/npy.h"
#include "render_test_support.h"

using namespace bgv::test;

namespace {
const fs::path kBinary = fs::path(BGV_BINARY_DIR) / "src/cli/bigganviz";
const fs::path kModel = fs::path(BGV_TEST_DATA) / "model/biggan/data/tiny128";

void render(const fs::path& dir, const fs::path& song, const std::string& arguments) {
    const auto result = run_command(fmt::format(
        "cd '{}' && '{}' -s '{}' --weights '{}' --seed 11 -bs 6 --threads 1 -q -o out.mp4 {} 2>&1",
        dir.string(), kBinary.string(), song.string(), kModel.string(), arguments));
    ASSERT_EQ(result.exit_code, 0) << result.output;
}

struct RateCase {
    std::string fps, expected_rate;
    double per_second;
};

TEST(RenderFrameRate, ExactRateFrameCountAndEnds) {
    // 0.4 s of a 22050 Hz song: 8820 samples.
    for (const auto& [fps, expected_rate, per_second] :
         {RateCase{"30", "30/1", 30.0}, RateCase{"24", "24/1", 24.0}}) {
        SCOPED_TRACE(fps);
        const fs::path dir = fresh_dir("fps" + fps);
        render(dir, render_data() / "chords_3s.wav",
               "-d 0.4 --fps " + fps + (fps == "24" ? " --choreography beat" : ""));
        const Probe p = probe(dir / "out.mp4");
        EXPECT_EQ(p.video.at("r_frame_rate"), expected_rate);
        const auto frames = static_cast<std::int64_t>(std::ceil(0.4 * per_second - 1e-9));
        EXPECT_EQ(std::stoll(p.video.at("nb_read_frames").get<std::string>()), frames);
        const double frame = 1.0 / per_second;
        EXPECT_NEAR(seconds(p.video), static_cast<double>(frames) * frame, 1e-3);
        EXPECT_NEAR(seconds(p.audio), 0.4, 0.03);  // AAC frames of 1024 samples
        EXPECT_LT(std::abs(seconds(p.video) - seconds(p.audio)), frame);
        const auto noise = bgv::read_npy_f64(dir / "saved_vectors/noise_vectors.npy");
        EXPECT_EQ(noise.shape, (std::vector<std::int64_t>{frames, 128}));
        fs::remove_all(dir);
    }
}

TEST(RenderFrameRate, StartRendersTheSectionAsTheCutAudio) {
    // --start 1 -d 0.4 of the song against a file holding exactly those samples
    // ([22050, 30870), cut by ffmpeg at sample precision): the same vectors and the same sound.
    const fs::path dir = fresh_dir("start");
    const fs::path cut = dir / "cut.wav";
    run_output(
        fmt::format("ffmpeg -v error -i '{}' -af atrim=start_sample=22050:end_sample=30870 "
                    "-c:a pcm_s16le '{}'",
                    (render_data() / "chords_3s.wav").string(), cut.string()));
    ASSERT_TRUE(fs::exists(cut));
    fs::create_directories(dir / "section");
    fs::create_directories(dir / "file");
    render(dir / "section", render_data() / "chords_3s.wav",
           "--start 1 -d 0.4 --fps 30 --choreography beat");
    render(dir / "file", cut, "--fps 30 --choreography beat");
    for (const char* name : {"noise_vectors.npy", "class_vectors.npy"}) {
        const auto a = bgv::read_npy_f64(dir / "section/saved_vectors" / name);
        const auto b = bgv::read_npy_f64(dir / "file/saved_vectors" / name);
        EXPECT_EQ(a.shape, (std::vector<std::int64_t>{12, name[0] == 'n' ? 128 : 1000}));
        EXPECT_TRUE(a.data == b.data) << name;
    }
    const auto sound = [&](const char* which) {
        return run_output(fmt::format("ffmpeg -v error -i '{}' -map 0:a -f f32le -",
                                      (dir / which / "out.mp4").string()));
    };
    const std::string section_sound = sound("section");
    EXPECT_GT(section_sound.size(), 4u * 8820);
    EXPECT_TRUE(section_sound == sound("file")) << "the soundtracks differ";
    const auto record =
        nlohmann::json::parse(bgv::read_file_text(dir / "section/saved_vectors/run.json"));
    EXPECT_EQ(record.at("start"), 1.0);
    EXPECT_EQ(record.at("identity").at("choreography"), "beat");
    EXPECT_EQ(record.at("identity").at("pulse"), 0.8);
    fs::remove_all(dir);
}

}  // namespace
