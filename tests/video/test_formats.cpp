// video/: the four codecs through the piece-and-join path, for wide and tall frames: what ffprobe
// reports (codec, pixel format, size, frame count, a/v length), FFV1's lossless round trip, HEVC's
// reproducible bytes, and the combinations refused before any work, each in one line.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "core/error.h"
#include "core/file.h"
#include "support/errors.h"
#include "video/output_format.h"
#include "video_samples.h"

namespace fs = std::filesystem;
using namespace bgv;
using namespace bgv::video;
using bgv::test::error_of;

namespace {

struct Expected {
    const char* codec;
    const char* output;
    const char* pix_fmt;  // ffprobe's name
    const char* audio;
};

// The video's length is its frames (ffprobe: within 1 ms, Matroska's time unit); the audio's the
// samples given, within one AAC frame of priming and padding (1024 samples, 23 ms) or, as PCM or
// FLAC, within 1 ms.
void expect_lengths(const nlohmann::json& probed, const EncoderSettings& settings, int frames) {
    const auto video = test::stream_of(probed, "video");
    const auto audio = test::stream_of(probed, "audio");
    const double seconds = frames * test::frame_seconds(settings);
    const auto duration = [&](const nlohmann::json& stream) {
        if (stream.contains("duration"))
            return std::stod(stream["duration"].get<std::string>());
        // Matroska keeps durations in the tags.
        const std::string tag = stream["tags"]["DURATION"];
        return std::stod(tag.substr(0, 2)) * 3600 + std::stod(tag.substr(3, 2)) * 60 +
               std::stod(tag.substr(6));
    };
    EXPECT_NEAR(duration(video), seconds, 1.001e-3);
    const bool exact = audio["codec_name"] != "aac";
    EXPECT_NEAR(duration(audio), seconds, exact ? 1.001e-3 : 1024 / 44100.0);
    // Every stream starts at 0: nothing shifted (Matroska shifts all streams when one starts
    // before 0, as AAC's priming would).
    EXPECT_EQ(std::stod(video["start_time"].get<std::string>()), 0.0);
}

void check_codec(const Expected& e, int width, int height) {
    const fs::path dir = test::fresh_temp_dir(std::string("formats_") + e.codec);
    const fs::path out = dir / e.output;
    auto settings = test::settings_for(width, height);
    settings.format = resolve_output_format(out, e.codec);
    settings.crf = default_crf(settings.format.codec);
    const int frames = 19;
    test::render_video(dir, settings, frames, out);
    const auto probed = test::probe(out);
    ASSERT_EQ(probed["streams"].size(), 2u);
    const auto v = test::stream_of(probed, "video");
    const auto a = test::stream_of(probed, "audio");
    EXPECT_EQ(v["codec_name"], e.codec);
    EXPECT_EQ(v["pix_fmt"], e.pix_fmt);
    EXPECT_EQ(v["width"], width);
    EXPECT_EQ(v["height"], height);
    EXPECT_EQ(v["nb_read_frames"], std::to_string(frames));
    EXPECT_EQ(v["avg_frame_rate"], "11025/1024");
    EXPECT_EQ(a["codec_name"], e.audio);
    if (settings.format.codec == Codec::hevc) {  // what Apple's players look for
        EXPECT_EQ(v["codec_tag_string"], "hvc1");
    }
    expect_lengths(probed, settings, frames);
}

}  // namespace

TEST(VideoFormats, H264WideAndTall) {
    check_codec({"h264", "wide.mp4", "yuv420p", "aac"}, 224, 128);
    check_codec({"h264", "tall.mkv", "yuv420p", "flac"}, 128, 224);
}

TEST(VideoFormats, HevcWideAndTall) {
    check_codec({"hevc", "wide.mp4", "yuv420p", "aac"}, 224, 128);
    check_codec({"hevc", "tall.mov", "yuv420p", "aac"}, 128, 224);
}

TEST(VideoFormats, ProresIs422Hq10BitInMov) {
    check_codec({"prores", "wide.mov", "yuv422p10le", "pcm_s16le"}, 224, 128);
    const fs::path dir = test::fresh_temp_dir("prores_profile");
    auto settings = test::settings_for(128, 224);
    settings.format = resolve_output_format(dir / "tall.mov", "prores");
    test::render_video(dir, settings, 3, dir / "tall.mov");
    const auto v = test::stream_of(test::probe(dir / "tall.mov"), "video");
    EXPECT_EQ(v["profile"], "HQ");
    EXPECT_EQ(v["codec_tag_string"], "apch");  // ProRes 422 HQ's four-character code
}

TEST(VideoFormats, Ffv1RoundTripsLosslessly) {
    check_codec({"ffv1", "tall.mkv", "bgr0", "flac"}, 128, 224);
    const fs::path dir = test::fresh_temp_dir("ffv1_lossless");
    for (const auto& [w, h] : {std::pair{224, 128}, std::pair{96, 160}}) {
        auto settings = test::settings_for(w, h);
        settings.format = resolve_output_format(dir / "out.mkv", "ffv1");
        const int frames = 11;
        test::render_video(dir, settings, frames, dir / "out.mkv");
        const std::string raw = test::decode_rgb(dir / "out.mkv");
        ASSERT_EQ(raw.size(), static_cast<std::size_t>(frames) * w * h * 3);
        for (int f = 0; f < frames; ++f) {
            const auto given = test::picture(w, h, f);
            EXPECT_EQ(std::memcmp(raw.data() + f * given.size(), given.data(), given.size()), 0)
                << w << "x" << h << " frame " << f << " differs";
        }
    }
}

TEST(VideoFormats, HevcGivesTheSameBytesForTheSameFrames) {
    // As x264's: a resumed render must write the pieces a clean one does. x265 keeps AVX-512 off
    // by default, so the heap's contents must not matter either (see test_video.cpp).
    const fs::path dir = test::fresh_temp_dir("hevc_same");
    auto settings = test::settings_for(64, 48);
    settings.format = resolve_output_format(dir / "x.mp4", "hevc");
    test::write_piece(dir / "clean.mp4", settings, 5, 6);
    for (int round = 0; round < 2; ++round) {
        test::leave_garbage_on_the_heap();
        const fs::path again = dir / ("again_" + std::to_string(round) + ".mp4");
        test::write_piece(again, settings, 5, 6);
        EXPECT_EQ(read_file_bytes(dir / "clean.mp4"), read_file_bytes(again)) << "round " << round;
    }
}

TEST(VideoFormats, PiecesOfAnotherCodecAreRefused) {
    const fs::path dir = test::fresh_temp_dir("formats_mixed");
    auto settings = test::settings_for(64, 64);
    test::write_piece(dir / "a.mp4", settings, 0, 4);
    settings.format = resolve_output_format(dir / "x.mp4", "hevc");
    const std::vector<fs::path> pieces{dir / "a.mp4"};
    const auto audio = test::tone(4410, 44100, 1);
    const std::string message = error_of([&] {
        assemble_video(pieces, settings, 4, AudioTrack::of_samples(audio, 44100, 1), {},
                       dir / "o.mp4");
    });
    EXPECT_NE(message.find("not a hevc video piece"), std::string::npos) << message;
}

TEST(VideoFormats, ExtensionCodecAndPixelFormatAreCheckedTogether) {
    const auto ok = [](const char* out, const char* codec, const char* pix_fmt) {
        return resolve_output_format(out, codec, pix_fmt);
    };
    EXPECT_EQ(ok("a.mp4", "h264", "").pix_fmt, "yuv420p");
    EXPECT_EQ(ok("a.mp4", "h264", "").container, Container::mp4);
    EXPECT_EQ(ok("a.MOV", "prores", "").pix_fmt, "yuv422p10le");
    EXPECT_EQ(ok("a.mov", "prores", "yuv444p10le").pix_fmt, "yuv444p10le");
    EXPECT_EQ(ok("dir/a.mkv", "ffv1", "").pix_fmt, "bgr0");
    EXPECT_EQ(ok("a.mkv", "ffv1", "").container, Container::mkv);
    EXPECT_EQ(ok("a.mkv", "hevc", "yuv420p10le").codec, Codec::hevc);
    EXPECT_EQ(ok("a.mov", "h264", "").container, Container::mov);

    const struct {
        const char* out;
        const char* codec;
        const char* pix_fmt;
        const char* says;
    } refused[] = {
        {"x.mp4", "prores", "", "--codec prores cannot be written to x.mp4: ProRes goes in .mov"},
        {"x.mp4", "ffv1", "", "--codec ffv1 cannot be written to x.mp4: FFV1 goes in .mkv"},
        {"x.mov", "ffv1", "", "FFV1 goes in .mkv"},
        {"x.mkv", "prores", "", "ProRes goes in .mov"},
        {"x.avi", "h264", "", "-o x.avi: the name must end in .mp4, .mov or .mkv"},
        {"x", "h264", "", "the name must end in .mp4, .mov or .mkv"},
        {"x.mp4", "vp9", "", "--codec vp9: expected h264, hevc, prores or ffv1"},
        {"x.mov", "prores", "yuv420p",
         "--pix_fmt yuv420p: --codec prores takes yuv422p10le or "
         "yuv444p10le"},
        {"x.mkv", "ffv1", "rgb24", "--pix_fmt rgb24"},
    };
    for (const auto& r : refused) {
        bool usage = false;
        const std::string message = error_of([&] {
            try {
                resolve_output_format(r.out, r.codec, r.pix_fmt);
            } catch (const UsageError&) {
                usage = true;
                throw;
            }
        });
        EXPECT_TRUE(usage) << r.out << " " << r.codec;
        EXPECT_NE(message.find(r.says), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}
