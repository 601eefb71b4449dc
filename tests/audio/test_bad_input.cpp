#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "audio/decode.h"
#include "audio/load.h"
#include "core/error.h"
#include "core/file.h"

namespace bgv::audio {
namespace {

const std::filesystem::path kData = std::filesystem::path(BGV_TEST_DATA) / "audio" / "data";

class BadInput : public testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("bgv_test_audio_bad_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path write(const std::string& name, const std::string& bytes) {
        std::ofstream(dir_ / name, std::ios::binary) << bytes;
        return dir_ / name;
    }

    // load_mono must throw one bgv::Error whose single line names the file and says `reason`,
    // and nothing (libav's own logging included) may reach stderr.
    static void expect_error(const std::filesystem::path& path, const std::string& reason) {
        SCOPED_TRACE(path.string());
        testing::internal::CaptureStderr();
        std::string message;
        try {
            load_mono(path);
        } catch (const Error& error) {
            message = describe(error);
        }
        const std::string stderr_text = testing::internal::GetCapturedStderr();
        EXPECT_EQ(stderr_text, "");
        ASSERT_FALSE(message.empty()) << "no error thrown";
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        EXPECT_NE(message.find(path.string()), std::string::npos) << message;
        EXPECT_NE(message.find(reason), std::string::npos) << message;
    }

    std::filesystem::path dir_;
};

TEST_F(BadInput, MissingFile) {
    expect_error(dir_ / "nope.wav", "no such file");
}

TEST_F(BadInput, Directory) {
    expect_error(dir_, "is a directory");
}

TEST_F(BadInput, EmptyFile) {
    expect_error(write("empty.mp3", ""), "file is empty");
}

TEST_F(BadInput, TextNamedMp3) {
    std::string text;
    for (int i = 0; i < 200; ++i)
        text += "this is not audio at all, just a line of text\n";
    expect_error(write("notes.mp3", text), "is not an audio or video file FFmpeg can read");
}

TEST_F(BadInput, VideoWithoutAudio) {
    expect_error(kData / "video_only.mp4", "has no audio stream");
}

TEST_F(BadInput, PngImage) {
    expect_error(kData / "image.png", "has no audio stream");
}

TEST_F(BadInput, NonPositiveDuration) {
    EXPECT_THROW(load_mono(kData / "short_0p3s.wav", 22050, 0.0), Error);
}

TEST_F(BadInput, TruncatedMp3GivesTheAudioBeforeTheCutAndOneWarning) {
    // Chosen behaviour: a file cut short (a partial download) decodes up to the cut, with one
    // warning, rather than failing: the audio before the damage is intact. 60000 of 129611 bytes
    // ends in the middle of an mp3 frame.
    const auto whole = read_file_bytes(kData / "chords_120bpm.mp3");
    const std::string head(reinterpret_cast<const char*>(whole.data()), 60000);
    const auto path = write("cut.mp3", head);
    testing::internal::CaptureStderr();
    const NativeAudio cut = decode_native(path);
    const std::string warning = testing::internal::GetCapturedStderr();
    const NativeAudio full = decode_native(kData / "chords_120bpm.mp3");
    // 60000 / 129611 of 8 s is about 3.7 s; allow a frame or two either way.
    EXPECT_GT(cut.mono.size(), static_cast<std::size_t>(3.5 * 22050));
    EXPECT_LT(cut.mono.size(), static_cast<std::size_t>(3.9 * 22050));
    // Everything before the last decoded frame is the same as in the whole file, bit for bit.
    for (std::size_t i = 0; i + 1152 < cut.mono.size(); ++i)
        ASSERT_EQ(cut.mono[i], full.mono[i]) << i;
    EXPECT_GT(cut.damaged_packets, 0);
    EXPECT_NE(warning.find("cut.mp3"), std::string::npos) << warning;
    EXPECT_EQ(std::count(warning.begin(), warning.end(), '\n'), 1) << warning;
    EXPECT_NO_THROW(load_mono(path));
}

TEST_F(BadInput, TruncatedWavKeepsWhatIsThere) {
    const auto whole = read_file_bytes(kData / "chords_120bpm.wav");
    const std::string head(reinterpret_cast<const char*>(whole.data()), 44 + 2 * 10000 + 1);
    testing::internal::CaptureStderr();
    const Pcm pcm = load_mono(write("cut.wav", head));
    const std::string warning = testing::internal::GetCapturedStderr();
    EXPECT_EQ(pcm.samples.size(), 10000u);  // the odd byte is half a sample and is dropped
    EXPECT_NE(warning.find("cut.wav"), std::string::npos) << warning;
    EXPECT_EQ(std::count(warning.begin(), warning.end(), '\n'), 1) << warning;
}

}  // namespace
}  // namespace bgv::audio
