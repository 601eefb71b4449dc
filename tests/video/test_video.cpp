// video/: pieces encoded and joined into an mp4 that ffprobe describes as intended and that
// decodes back to the frames given (within what yuv420p + CRF 17 lose).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/file.h"
#include "support/process.h"
#include "video/mp4_assembler.h"
#include "video/segment_writer.h"
#include "video_samples.h"

namespace fs = std::filesystem;
using namespace bgv::video;

namespace {
std::string run(const std::string& command) {
    return bgv::test::run_output(command);
}

fs::path temp_dir(const std::string& name) {
    return bgv::test::fresh_temp_dir("video_" + name);
}

std::vector<std::uint8_t> picture(int size, int index) {
    return bgv::test::picture(size, size, index);
}

EncoderSettings settings_for(int size) {
    return bgv::test::settings_for(size, size);
}

// Where the top-level atom `type` starts in an MP4 file (the file is a sequence of boxes, each a
// 32-bit big-endian size and a 4-letter type; size 1 means a 64-bit size follows); -1 if absent.
std::int64_t top_level_atom_offset(const fs::path& file, const std::string& type) {
    const auto bytes = bgv::read_file_bytes(file);
    auto byte_at = [&](std::size_t i) { return std::to_integer<std::uint64_t>(bytes[i]); };
    std::size_t offset = 0;
    while (offset + 8 <= bytes.size()) {
        std::uint64_t size = 0;
        for (int i = 0; i < 4; ++i)
            size = size << 8 | byte_at(offset + i);
        std::string name;
        for (int i = 4; i < 8; ++i)
            name += static_cast<char>(byte_at(offset + i));
        if (size == 1 && offset + 16 <= bytes.size()) {
            size = 0;
            for (int i = 8; i < 16; ++i)
                size = size << 8 | byte_at(offset + i);
        }
        if (name == type)
            return static_cast<std::int64_t>(offset);
        if (size < 8)
            return -1;
        offset += size;
    }
    return -1;
}

void write_segment(const fs::path& path, int size, int first, int count) {
    SegmentWriter writer(path, settings_for(size), 8);
    for (int i = 0; i < count; ++i)
        writer.add_frame(picture(size, first + i));
    writer.finish();
}

}  // namespace

TEST(Video, PiecesJoinIntoAnMp4WithTheRightStreamsAndFrames) {
    const fs::path dir = temp_dir("join");
    const int size = 64;
    std::vector<fs::path> pieces = {dir / "a.mp4", dir / "b.mp4", dir / "c.mp4"};
    write_segment(pieces[0], size, 0, 8);
    write_segment(pieces[1], size, 8, 8);
    write_segment(pieces[2], size, 16, 3);
    EXPECT_FALSE(fs::exists(dir / "a.mp4.tmp"));

    // 19 frames at 22050/2048 fps = 1.7650 s of audio, a 440 Hz tone at 44.1 kHz stereo.
    const double seconds = 19 * 2048 / 22050.0;
    const auto samples = static_cast<std::size_t>(std::llround(seconds * 44100));
    std::vector<float> audio(samples * 2);
    for (std::size_t i = 0; i < samples; ++i)
        audio[2 * i] = audio[2 * i + 1] =
            0.5f * static_cast<float>(std::sin(i * 2 * M_PI * 440 / 44100));
    const fs::path out = dir / "out.mp4";
    assemble_mp4(pieces, settings_for(size), 19, AudioTrack::of_samples(audio, 44100, 2), out);

    const auto probe = nlohmann::json::parse(
        run("ffprobe -v error -count_frames -show_streams -show_format -of json '" + out.string() +
            "'"));
    ASSERT_EQ(probe["streams"].size(), 2u);
    const auto& v =
        probe["streams"][0]["codec_type"] == "video" ? probe["streams"][0] : probe["streams"][1];
    const auto& a =
        probe["streams"][0]["codec_type"] == "audio" ? probe["streams"][0] : probe["streams"][1];
    EXPECT_EQ(v["codec_name"], "h264");
    EXPECT_EQ(v["pix_fmt"], "yuv420p");
    EXPECT_EQ(v["r_frame_rate"], "11025/1024");
    EXPECT_EQ(v["avg_frame_rate"], "11025/1024");
    EXPECT_EQ(v["nb_read_frames"], "19");
    EXPECT_EQ(a["codec_name"], "aac");
    EXPECT_EQ(a["channels"], 2);
    // Durations within one video frame (92.9 ms) of each other and of the intended length.
    const double video_seconds = std::stod(v["duration"].get<std::string>());
    const double audio_seconds = std::stod(a["duration"].get<std::string>());
    EXPECT_NEAR(video_seconds, seconds, 1e-3);
    EXPECT_NEAR(audio_seconds, seconds, 2048 / 22050.0);

    // Decoded frames against the originals: yuv420p halves the chroma resolution and CRF 17 is
    // near-transparent; a mean error under 3 levels (of 255) per channel is visually lossless.
    const std::string raw =
        run("ffmpeg -v error -i '" + out.string() + "' -f rawvideo -pix_fmt rgb24 -");
    ASSERT_EQ(raw.size(), static_cast<std::size_t>(19 * size * size * 3));
    for (int f = 0; f < 19; ++f) {
        const auto expected = picture(size, f);
        double error = 0;
        for (std::size_t i = 0; i < expected.size(); ++i)
            error +=
                std::abs(static_cast<int>(static_cast<std::uint8_t>(raw[f * expected.size() + i])) -
                         expected[i]);
        EXPECT_LT(error / expected.size(), 3.0) << "frame " << f;
    }
    const auto moov = top_level_atom_offset(out, "moov");
    EXPECT_GE(moov, 0);
    EXPECT_LT(moov, top_level_atom_offset(out, "mdat"))
        << "the index (moov) must come before the media data (mdat): MP4 fast start";
    if (!HasFailure())
        fs::remove_all(dir);
}

TEST(Video, SameFramesGiveTheSameBytes) {
    // Resume relies on it: a piece re-encoded after a crash must equal the one a clean run writes.
    const fs::path dir = temp_dir("same");
    write_segment(dir / "a.mp4", 48, 5, 6);
    write_segment(dir / "b.mp4", 48, 5, 6);
    EXPECT_EQ(bgv::read_file_bytes(dir / "a.mp4"), bgv::read_file_bytes(dir / "b.mp4"));
    fs::remove_all(dir);
}

TEST(Video, SameFramesGiveTheSameBytesWhateverTheHeapHeld) {
    // x264's AVX-512 code reads memory it never wrote: on a CPU with AVX-512, a piece encoded after
    // the heap held NaNs came out different (a resumed or shared render then differs from a clean
    // one). The encoder is kept off that code; this holds on any CPU.
    const fs::path dir = temp_dir("heap");
    write_segment(dir / "clean.mp4", 32, 0, 8);
    for (int round = 0; round < 4; ++round) {
        bgv::test::leave_garbage_on_the_heap();
        const fs::path again = dir / ("after_garbage_" + std::to_string(round) + ".mp4");
        write_segment(again, 32, 0, 8);
        EXPECT_EQ(bgv::read_file_bytes(dir / "clean.mp4"), bgv::read_file_bytes(again))
            << "round " << round;
    }
    fs::remove_all(dir);
}

TEST(Video, AbandonedPieceLeavesNoFile) {
    const fs::path dir = temp_dir("abandon");
    {
        SegmentWriter writer(dir / "a.mp4", settings_for(32), 8);
        writer.add_frame(picture(32, 0));
    }
    EXPECT_TRUE(fs::is_empty(dir));
    fs::remove_all(dir);
}
