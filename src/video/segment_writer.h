// video/segment_writer: one closed piece of the video (H.264 or HEVC with no B-frames starting with
// an IDR frame, or intra-only ProRes / FFV1) written as its own small file. Pieces are the unit of
// resume: a piece appears under its name only once it is complete, and pieces made by the same
// settings concatenate by stream copy (mp4_assembler) into one video.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "av/ffmpeg.h"
#include "video/delivery.h"
#include "video/frame_converter.h"
#include "video/output_format.h"
#include "video/subtitles.h"

namespace bgv::video {

struct EncoderSettings {
    int width = 0;  // of the frames given to add_frame (the generator's)
    int height = 0;
    int frame_rate_num = 22050;  // frames per second as a fraction: 22050 / frame_length
    int frame_rate_den = 512;
    OutputFormat format;  // codec, pixel format, and the assembled video's container
    int crf = 17;  // x264/x265 constant rate factor (default_crf(codec)); unused by prores/ffv1
    std::string preset = "veryfast";  // x264/x265
    // x264 gives the same bitstream for the same frames only with the same thread count, so the
    // count is fixed rather than taken from the machine (a resumed render must match). One: a
    // frame costs x264 milliseconds where the generator takes tens of them or seconds, and a
    // `--threads 1` render then really runs on one core.
    int threads = 1;
    Delivery delivery;  // the delivered size and fit; {0, 0}: the generated size
    // Drawn into the picture (times from the video's first frame); empty: none.
    std::vector<SubtitleCue> burned_subtitles;
    SubtitleStyle subtitle_style;

    // The size of the encoded frames: the delivery size when one is set, else width × height.
    FrameSize encoded_size() const;
};

class SegmentWriter {
  public:
    // Encodes into "<path>.tmp" (in the codec's piece container, piece_container(), whatever
    // the name); finish() renames it to `path`. `max_frames` bounds the GOP so the piece holds a
    // single IDR at its start. `first_frame`: the piece's first frame's number in the whole video,
    // which times burned subtitles.
    SegmentWriter(std::filesystem::path path, const EncoderSettings& settings, int max_frames,
                  std::int64_t first_frame = 0);
    ~SegmentWriter();
    SegmentWriter(const SegmentWriter&) = delete;
    SegmentWriter& operator=(const SegmentWriter&) = delete;

    // One frame, RGB24 rows top to bottom, width * height * 3 bytes.
    void add_frame(std::span<const std::uint8_t> rgb);
    void finish();
    std::int64_t frames() const { return frames_; }

  private:
    void encode_converted();

    std::filesystem::path path_;
    std::filesystem::path temp_;
    EncoderSettings settings_;
    std::int64_t first_frame_ = 0;

    av::OutputPtr output_;
    av::CodecContextPtr codec_;
    std::unique_ptr<FrameConverter> converter_;
    av::FramePtr frame_;
    av::PacketPtr packet_;
    AVStream* stream_ = nullptr;
    std::int64_t frames_ = 0;
    bool finished_ = false;
};

}  // namespace bgv::video
