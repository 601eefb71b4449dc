// video/segment_writer: one closed piece of the video (H.264, yuv420p, no B-frames, starting with
// an IDR frame) written as its own small mp4. Pieces are the unit of resume: a piece appears under
// its name only once it is complete, and pieces made by the same settings concatenate by stream
// copy (mp4_assembler) into one video.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

extern "C" {
#include <libswscale/swscale.h>
}

#include <memory>

#include "av/ffmpeg.h"

namespace bgv::video {

struct EncoderSettings {
    int width = 0;
    int height = 0;
    int frame_rate_num = 22050;  // frames per second as a fraction: 22050 / frame_length
    int frame_rate_den = 512;
    int crf = 17;  // x264 constant rate factor: 17 is visually lossless here
    std::string preset = "veryfast";
    // x264 gives the same bitstream for the same frames only with the same thread count, so the
    // count is fixed rather than taken from the machine (a resumed render must match). One: a
    // frame costs x264 milliseconds where the generator takes tens of them or seconds, and a
    // `--threads 1` render then really runs on one core.
    int threads = 1;
};

class SegmentWriter {
  public:
    // Encodes into "<path>.tmp"; finish() renames it to `path`. `max_frames` bounds the GOP so the
    // piece holds a single IDR at its start.
    SegmentWriter(std::filesystem::path path, const EncoderSettings& settings, int max_frames);
    ~SegmentWriter();
    SegmentWriter(const SegmentWriter&) = delete;
    SegmentWriter& operator=(const SegmentWriter&) = delete;

    // One frame, RGB24 rows top to bottom, width * height * 3 bytes.
    void add_frame(std::span<const std::uint8_t> rgb);
    void finish();
    std::int64_t frames() const { return frames_; }

  private:
    std::filesystem::path path_;
    std::filesystem::path temp_;
    EncoderSettings settings_;
    struct SwsDeleter {
        void operator()(SwsContext* s) const { sws_freeContext(s); }
    };

    // Zero bytes after the frame in input_, more than swscale's widest read past a row's end.
    static constexpr std::size_t kInputPadding = 64;

    av::OutputPtr output_;
    av::CodecContextPtr codec_;
    std::unique_ptr<SwsContext, SwsDeleter> sws_;
    av::FramePtr frame_;
    av::PacketPtr packet_;
    AVStream* stream_ = nullptr;
    std::vector<std::uint8_t> input_;  // the frame being converted, then kInputPadding zeros
    std::int64_t frames_ = 0;
    bool finished_ = false;
};

}  // namespace bgv::video
