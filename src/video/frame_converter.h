// video/frame_converter: generated RGB frames turned into the encoder's pixel format at the
// delivered size: one swscale pass when only the pixel format changes (the path every render took
// before delivery sizes existed, byte for byte), else a libavfilter graph: lanczos scaling with
// the frame cropped, padded or laid over a blurred copy of itself, then subtitles burned in.
#pragma once

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>
#include <libavutil/rational.h>
}

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "video/delivery.h"
#include "video/subtitles.h"

namespace bgv::video {

struct ConversionSpec {
    FrameSize source;  // of the RGB24 frames pushed
    FrameSize target;  // delivered; the source size when not scaled
    Fit fit = Fit::crop;
    AVPixelFormat pix_fmt = AV_PIX_FMT_YUV420P;
    AVRational frame_time{512, 22050};    // seconds per frame
    int threads = 1;                      // for the filters' slices
    std::span<const SubtitleCue> burned;  // drawn into the picture; empty: none
    SubtitleStyle style;
    std::filesystem::path scratch_script;  // where the ASS script is written while the graph is
                                           // built (removed once read); needed when burning
};

class FrameConverter {
  public:
    explicit FrameConverter(const ConversionSpec& spec);
    ~FrameConverter();
    FrameConverter(const FrameConverter&) = delete;
    FrameConverter& operator=(const FrameConverter&) = delete;

    // One frame: source.width × source.height × 3 bytes, rows top to bottom; `index` is its
    // number in the whole video (burned subtitles are timed by it).
    void push(std::span<const std::uint8_t> rgb, std::int64_t index);
    // After the last frame: lets the graph hand out what it still holds.
    void flush();
    // The next converted frame into `out` (target size, pix_fmt, allocated by the caller; every
    // byte of its buffers is written, padding as zeros, so encoders read fixed memory); false
    // when none is ready. Its pts is the index it was pushed with.
    bool pull(AVFrame* out);

    // Whether frames of `spec` go through the filter graph (scaled or subtitled).
    static bool filters(const ConversionSpec& spec);

  private:
    struct Graph;
    struct Direct;
    std::unique_ptr<Graph> graph_;
    std::unique_ptr<Direct> direct_;
};

}  // namespace bgv::video
