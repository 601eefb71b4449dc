// video/: delivery sizes. The generated frames scaled (lanczos) to --size while encoding, fitted by
// crop, pad or blur, compared with the same scaling done by the ffmpeg program on the same frames;
// the error allowed is what the encoder alone adds to those reference frames, plus a level.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "core/error.h"
#include "support/errors.h"
#include "video/delivery.h"
#include "video/output_format.h"
#include "video_samples.h"

namespace fs = std::filesystem;
using namespace bgv;
using namespace bgv::video;
using bgv::test::error_of;

namespace {

struct Image {
    int width = 0, height = 0;
    std::string rgb;  // RGB24
    int at(int x, int y, int c) const {
        return static_cast<unsigned char>(rgb[(static_cast<std::size_t>(y) * width + x) * 3 + c]);
    }
};

// Mean absolute difference per channel value over the rectangle [x0, x0 + w) × [y0, y0 + h) of
// `a`, against `b` at (bx, by).
double mean_difference(const Image& a, int x0, int y0, int w, int h, const Image& b, int bx,
                       int by) {
    double sum = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c)
                sum += std::abs(a.at(x0 + x, y0 + y, c) - b.at(bx + x, by + y, c));
    return sum / (3.0 * w * h);
}

// Frames `count` of picture() at `source`, through the ffmpeg program with filter `filters`, as
// RGB24 images of `size`.
std::vector<Image> reference_frames(const fs::path& dir, FrameSize source, int count,
                                    const std::string& filters, FrameSize size) {
    const fs::path raw = dir / "source.rgb";
    {
        std::ofstream out(raw, std::ios::binary);
        for (int f = 0; f < count; ++f) {
            const auto p = test::picture(source.width, source.height, f);
            out.write(reinterpret_cast<const char*>(p.data()),
                      static_cast<std::streamsize>(p.size()));
        }
    }
    const std::string scaled = test::run_output(
        "ffmpeg -v error -f rawvideo -pix_fmt rgb24 -s " + std::to_string(source.width) + "x" +
        std::to_string(source.height) + " -i '" + raw.string() + "' -vf '" + filters +
        "' -f rawvideo -pix_fmt rgb24 -");
    const std::size_t bytes = static_cast<std::size_t>(size.width) * size.height * 3;
    EXPECT_EQ(scaled.size(), bytes * count);
    std::vector<Image> frames;
    for (int f = 0; f < count && scaled.size() >= (f + 1) * bytes; ++f)
        frames.push_back({size.width, size.height, scaled.substr(f * bytes, bytes)});
    return frames;
}

std::vector<Image> decoded_frames(const fs::path& file, FrameSize size, int count) {
    const std::string raw = test::decode_rgb(file);
    const std::size_t bytes = static_cast<std::size_t>(size.width) * size.height * 3;
    EXPECT_EQ(raw.size(), bytes * count) << file;
    std::vector<Image> frames;
    for (int f = 0; f < count && raw.size() >= (f + 1) * bytes; ++f)
        frames.push_back({size.width, size.height, raw.substr(f * bytes, bytes)});
    return frames;
}

// The encoder's own error on `reference`: those frames given to it at their size, decoded back.
double encoder_error(const fs::path& dir, const std::vector<Image>& reference) {
    const FrameSize size{reference[0].width, reference[0].height};
    auto settings = test::settings_for(size.width, size.height);
    const fs::path piece = dir / "reference.mp4";
    {
        SegmentWriter writer(piece, settings, 8);
        for (const auto& frame : reference)
            writer.add_frame(std::span(reinterpret_cast<const std::uint8_t*>(frame.rgb.data()),
                                       frame.rgb.size()));
        writer.finish();
    }
    const auto decoded = decoded_frames(piece, size, static_cast<int>(reference.size()));
    double worst = 0;
    for (std::size_t f = 0; f < decoded.size(); ++f)
        worst = std::max(
            worst, mean_difference(decoded[f], 0, 0, size.width, size.height, reference[f], 0, 0));
    return worst;
}

// Frames of picture() at `source` delivered at `target` with `fit` (H.264, CRF 17), decoded.
std::vector<Image> delivered(const fs::path& dir, FrameSize source, FrameSize target, Fit fit,
                             int count) {
    auto settings = test::settings_for(source.width, source.height);
    settings.delivery = {target, fit};
    test::render_video(dir, settings, count, dir / "out.mp4");
    const auto probed = test::probe(dir / "out.mp4");
    const auto v = test::stream_of(probed, "video");
    EXPECT_EQ(v["width"], target.width);
    EXPECT_EQ(v["height"], target.height);
    EXPECT_EQ(v["nb_read_frames"], std::to_string(count));
    return decoded_frames(dir / "out.mp4", target, count);
}

// The largest change of blue over 4 pixels across a region: picture()'s blue is a sawtooth whose
// steps of ~128 levels stay steep when scaled (lanczos) and vanish under a wide blur.
int steepest_blue_step(const Image& a, int x0, int y0, int w, int h) {
    int steepest = 0;
    for (int y = y0; y < y0 + h; ++y)
        for (int x = x0; x + 4 < x0 + w; ++x)
            steepest = std::max(steepest, std::abs(a.at(x + 4, y, 2) - a.at(x, y, 2)));
    return steepest;
}

}  // namespace

TEST(VideoDelivery, PlacementsCoverOrFitTheTarget) {
    const Placement wide = cover({896, 512}, {1920, 1080});  // factor 2.1429
    EXPECT_EQ(wide.width, 1920);
    EXPECT_EQ(wide.height, 1097);
    EXPECT_EQ(wide.x, 0);
    EXPECT_EQ(wide.y, -8);
    const Placement square = contain({512, 512}, {1920, 1080});
    EXPECT_EQ(square.width, 1080);
    EXPECT_EQ(square.height, 1080);
    EXPECT_EQ(square.x, 420);
    EXPECT_EQ(square.y, 0);
    const Placement tall = contain({224, 128}, {1080, 1920});  // factor 1080 / 224
    EXPECT_EQ(tall.width, 1080);
    EXPECT_EQ(tall.height, 617);
    EXPECT_EQ(tall.y, 651);
    const Placement exact = cover({128, 224}, {1080, 1890});
    EXPECT_EQ(exact.width, 1080);
    EXPECT_EQ(exact.height, 1890);
    EXPECT_EQ(exact.x, 0);
    EXPECT_EQ(exact.y, 0);
}

// The case: a 1:1 render delivered at 1920x1080 with --fit blur. The middle 1080x1080 is
// the square scaled to 1080 (within the encoder's error on that scaled square, plus one level for
// two lanczos implementations' rounding); the sides are the blurred copy: not black, and without
// the picture's steep edges.
TEST(VideoDelivery, BlurKeepsTheScaledSquareInTheMiddle) {
    const fs::path dir = test::fresh_temp_dir("delivery_blur");
    const FrameSize source{256, 256}, target{1920, 1080};
    const int frames = 3;
    const auto out = delivered(dir, source, target, Fit::blur, frames);
    const auto reference = reference_frames(
        dir, source, frames, "scale=1080:1080:flags=lanczos+accurate_rnd", {1080, 1080});
    ASSERT_EQ(out.size(), reference.size());
    const double encoder = encoder_error(dir, reference);
    for (int f = 0; f < frames; ++f) {
        const double middle = mean_difference(out[f], 420, 0, 1080, 1080, reference[f], 0, 0);
        std::printf("frame %d: middle %.3f levels from the scaled square (encoder alone %.3f)\n", f,
                    middle, encoder);
        EXPECT_LE(middle, encoder + 1.0) << "frame " << f;
        EXPECT_GT(steepest_blue_step(out[f], 420, 0, 1080, 1080), 64) << "frame " << f;
        for (int x0 : {0, 1920 - 400}) {
            double mean = 0;
            for (int y = 0; y < 1080; y += 7)
                for (int x = x0; x < x0 + 400; x += 7)
                    mean += out[f].at(x, y, 0) + out[f].at(x, y, 1) + out[f].at(x, y, 2);
            mean /= 3.0 * (1080 / 7 + 1) * (400 / 7 + 1);
            EXPECT_GT(mean, 40.0) << "the side at x=" << x0 << " is dark: not the blurred picture";
            EXPECT_LT(steepest_blue_step(out[f], x0, 0, 400, 1080), 16)
                << "the side at x=" << x0 << " is not blurred";
        }
    }
}

// A 16:9 frame cropped to 9:16 shows the middle of the frame scaled to cover the target; padded,
// the whole frame between black bars.
TEST(VideoDelivery, CropAndPadOfAWideFrameToATallOne) {
    const FrameSize source{224, 128}, target{360, 640};
    const int frames = 3;
    {
        const fs::path dir = test::fresh_temp_dir("delivery_crop");
        const auto out = delivered(dir, source, target, Fit::crop, frames);
        const Placement p = cover(source, target);  // 1120x640, from x = 380
        const auto reference = reference_frames(
            dir, source, frames,
            "scale=" + std::to_string(p.width) + ":" + std::to_string(p.height) +
                ":flags=lanczos+accurate_rnd,crop=360:640:" + std::to_string(-p.x) + ":0",
            target);
        ASSERT_EQ(out.size(), reference.size());
        const double encoder = encoder_error(dir, reference);
        for (int f = 0; f < frames; ++f)
            EXPECT_LE(mean_difference(out[f], 0, 0, 360, 640, reference[f], 0, 0), encoder + 1.0);
    }
    {
        const fs::path dir = test::fresh_temp_dir("delivery_pad");
        const auto out = delivered(dir, source, target, Fit::pad, frames);
        const Placement p = contain(source, target);  // 360x206 at y = 217
        const auto reference =
            reference_frames(dir, source, frames,
                             "scale=" + std::to_string(p.width) + ":" + std::to_string(p.height) +
                                 ":flags=lanczos+accurate_rnd",
                             {p.width, p.height});
        ASSERT_EQ(out.size(), reference.size());
        const double encoder = encoder_error(dir, reference);
        for (int f = 0; f < frames; ++f) {
            // Two rows next to each edge are left out: 4:2:0 chroma blends them with the bars.
            EXPECT_LE(
                mean_difference(out[f], 0, p.y + 2, p.width, p.height - 4, reference[f], 0, 2),
                encoder + 1.0);
            // The bars: black, within the encoder's error.
            EXPECT_LE(mean_difference(out[f], 0, 0, 360, p.y - 2,
                                      Image{360, 640, std::string(360 * 640 * 3, '\0')}, 0, 0),
                      1.0);
        }
    }
}

TEST(VideoDelivery, SizesAndFitsAreParsedOrRefusedInOneLine) {
    EXPECT_EQ(parse_frame_size("1920x1080"), (FrameSize{1920, 1080}));
    EXPECT_EQ(parse_frame_size("1080x1920"), (FrameSize{1080, 1920}));
    EXPECT_EQ(parse_frame_size("3840x2160"), (FrameSize{3840, 2160}));
    EXPECT_EQ(parse_fit("blur"), Fit::blur);
    for (const char* bad : {"0x0", "1919x1080", "1920x", "x1080", "1920*1080", "-2x4", "8194x100",
                            "19 20x1080", ""}) {
        const std::string message = error_of([&] { parse_frame_size(bad); });
        EXPECT_TRUE(message.starts_with("--size ")) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
    EXPECT_EQ(error_of([] { parse_fit("stretch"); }), "--fit stretch: expected crop, pad or blur");
}

// The filter graph ends in any codec's pixel format: a tall frame delivered wide, blurred, with
// subtitles burned in, as 10-bit ProRes.
TEST(VideoDelivery, ScaledAndSubtitledFramesReachEveryPixelFormat) {
    const fs::path dir = test::fresh_temp_dir("delivery_prores");
    auto settings = test::settings_for(128, 224);
    settings.format = resolve_output_format(dir / "out.mov", "prores");
    settings.delivery = {{480, 270}, Fit::blur};
    const std::vector<SubtitleCue> cues = {{0.1, 0.4, "ProRes"}};
    settings.burned_subtitles = cues;
    const int frames = 5;
    test::render_video(dir, settings, frames, dir / "out.mov");
    const auto v = test::stream_of(test::probe(dir / "out.mov"), "video");
    EXPECT_EQ(v["codec_name"], "prores");
    EXPECT_EQ(v["pix_fmt"], "yuv422p10le");
    EXPECT_EQ(v["width"], 480);
    EXPECT_EQ(v["height"], 270);
    EXPECT_EQ(v["nb_read_frames"], std::to_string(frames));
}
