// live/h264_stream: the live picture encoded with x264 into one video stream of a muxer (the
// recording's mp4, a stream's MPEG-TS or FLV), frame numbers as timestamps at a constant rate.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "av/ffmpeg.h"
#include "core/frame_rate.h"
#include "live/yuv_converter.h"

namespace bgv::live {

struct H264Settings {
    int width = 0;
    int height = 0;
    FrameRate fps{24, 1};
    int crf = 20;                     // x264 quality: video/'s renders use 17; a live copy less
    std::string preset = "veryfast";  // as video/'s renders
    bool zero_latency = false;        // x264 tune=zerolatency: no frame held back (streams)
    int keyframe_interval = 48;       // frames: where a receiver can start, a fragment ends
};

class H264Stream {
  public:
    // Adds the stream to `output` (before its header is written).
    H264Stream(AVFormatContext* output, const H264Settings& settings);

    // Encodes an RGB frame as frame number `number` (timestamp number / fps).
    void write(std::span<const std::uint8_t> rgb, std::int64_t number);
    // Writes what x264 still holds.
    void finish();
    std::int64_t frames() const { return frames_; }

  private:
    AVFormatContext* output_;
    AVStream* stream_ = nullptr;
    av::CodecContextPtr codec_;
    av::PacketPtr packet_;
    YuvConverter converter_;
    std::int64_t frames_ = 0;
};

}  // namespace bgv::live
