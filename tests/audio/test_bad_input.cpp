// Damaged and wrong audio files: one error line naming the file, or the audio that is there with
// one warning. What the user is told is read from a log capture (core/log), and what FFmpeg
// would print from its log callback (libav writes to stderr itself).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

extern "C" {
#include <libavutil/log.h>
}

#include <cstdarg>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <vector>

#include "audio/decode.h"
#include "audio/load.h"
#include "core/error.h"
#include "core/file.h"
#include "core/log.h"

namespace bgv::audio {
namespace {

const std::filesystem::path kData = std::filesystem::path(BGV_TEST_DATA) / "audio" / "data";

// The lines libav's own logging would print (its default callback prints a message when its level
// is within av_log_get_level()), from every thread that decodes.
std::mutex libav_mutex;
std::vector<std::string> libav_lines;

void record_libav_line(void* context, int level, const char* format, va_list arguments) {
    if (level > av_log_get_level())
        return;
    char line[1024];
    int print_prefix = 1;
    av_log_format_line(context, level, format, arguments, line, sizeof line, &print_prefix);
    const std::lock_guard lock(libav_mutex);
    libav_lines.emplace_back(line);
}

std::vector<std::string> libav_output() {
    const std::lock_guard lock(libav_mutex);
    return libav_lines;
}

class BadInput : public testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("bgv_test_audio_bad_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        {
            const std::lock_guard lock(libav_mutex);
            libav_lines.clear();
        }
        av_log_set_callback(record_libav_line);
    }
    void TearDown() override {
        av_log_set_callback(av_log_default_callback);
        std::filesystem::remove_all(dir_);
    }

    std::filesystem::path write(const std::string& name, const std::string& bytes) {
        std::ofstream(dir_ / name, std::ios::binary) << bytes;
        return dir_ / name;
    }

    // load_mono must throw one bgv::Error whose single line names the file and says `reason`,
    // and nothing else may be said (no log line, and nothing from libav's own logging).
    static void expect_error(const std::filesystem::path& path, const std::string& reason) {
        SCOPED_TRACE(path.string());
        const log::Capture captured;
        std::string message;
        try {
            load_mono(path);
        } catch (const Error& error) {
            message = describe(error);
        }
        EXPECT_EQ(captured.text(), "");
        EXPECT_EQ(libav_output(), std::vector<std::string>{});
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
    std::vector<std::string> warnings;
    const NativeAudio cut = [&] {
        const log::Capture captured;
        auto audio = decode_native(path);
        warnings = captured.messages();
        return audio;
    }();
    const NativeAudio full = decode_native(kData / "chords_120bpm.mp3");
    // 60000 / 129611 of 8 s is about 3.7 s; allow a frame or two either way.
    EXPECT_GT(cut.mono.size(), static_cast<std::size_t>(3.5 * 22050));
    EXPECT_LT(cut.mono.size(), static_cast<std::size_t>(3.9 * 22050));
    // Everything before the last decoded frame is the same as in the whole file, bit for bit.
    for (std::size_t i = 0; i + 1152 < cut.mono.size(); ++i)
        ASSERT_EQ(cut.mono[i], full.mono[i]) << i;
    // Issue 11, item 14: a cut between packets gave no warning at all. One line either way.
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_TRUE(warnings[0].starts_with(path.string() + ": ")) << warnings[0];
    EXPECT_EQ(warnings[0].find('\n'), std::string::npos) << warnings[0];
    EXPECT_EQ(libav_output(), std::vector<std::string>{});
    const log::Capture again;  // the same warning once more, not shown
    EXPECT_NO_THROW(load_mono(path));
}

// Issue 11, item 14: an mp3 cut exactly before a frame leaves no damaged packet, and was decoded
// without a warning. Its Xing header states the full length, so the cut is still noticed.
TEST_F(BadInput, Mp3CutBetweenFramesWarnsOnce) {
    const auto whole = read_file_bytes(kData / "chords_120bpm.mp3");
    const std::string bytes(reinterpret_cast<const char*>(whole.data()), whole.size());
    // Every frame of this CBR file starts with the same two header bytes as the first one, which
    // follows the 45-byte ID3 tag.
    const std::string sync = bytes.substr(45, 2);
    ASSERT_EQ(sync, "\xff\xf3");
    const std::size_t frame_start = bytes.find(sync, 60000);
    ASSERT_NE(frame_start, std::string::npos);
    const auto path = write("cut_at_frame.mp3", bytes.substr(0, frame_start));
    const log::Capture captured;
    const NativeAudio cut = decode_native(path);
    EXPECT_EQ(cut.damaged_packets, 0);
    EXPECT_NEAR(cut.declared_seconds, 8.07, 0.01);
    const double decoded = static_cast<double>(cut.mono.size()) / cut.sample_rate;
    EXPECT_EQ(captured.messages(log::Level::warn),
              std::vector<std::string>{
                  fmt::format("{}: the audio ends after {:.2f} s but the file states 8.07 s (cut "
                              "short?); using the {:.2f} s that decoded",
                              path.string(), decoded, decoded)});
    EXPECT_EQ(captured.records().size(), 1U);
}

// Issue 11, item 6 for songs: a device is refused before FFmpeg reads from it.
TEST_F(BadInput, DeviceIsRefused) {
    expect_error("/dev/zero",
                 "/dev/zero: is not a regular file (a device or a pipe), expected an "
                 "audio file");
}

TEST_F(BadInput, TruncatedWavKeepsWhatIsThere) {
    const auto whole = read_file_bytes(kData / "chords_120bpm.wav");
    const std::string head(reinterpret_cast<const char*>(whole.data()), 44 + 2 * 10000 + 1);
    const log::Capture captured;
    const Pcm pcm = load_mono(write("cut.wav", head));
    EXPECT_EQ(pcm.samples.size(), 10000u);  // the odd byte is half a sample and is dropped
    const auto warnings = captured.messages(log::Level::warn);
    ASSERT_EQ(warnings.size(), 1U) << captured.text();
    EXPECT_TRUE(warnings[0].starts_with((dir_ / "cut.wav").string() + ": ")) << warnings[0];
    EXPECT_EQ(libav_output(), std::vector<std::string>{});
}

}  // namespace
}  // namespace bgv::audio
