// live/aac_stream: the heard sound (22050 Hz mono blocks) encoded as AAC into one audio stream of
// a muxer, beside the live picture.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "av/ffmpeg.h"

namespace bgv::live {

class AacStream {
  public:
    // Adds the stream to `output` (before its header is written).
    AacStream(AVFormatContext* output, int sample_rate, int bit_rate = 96000);

    // Appends samples; every full AAC frame (1024 samples) is encoded and written.
    void write(std::span<const float> mono);
    // Encodes what is left (the last frame padded with silence) and what the encoder holds.
    void finish();
    // Samples handed to write() so far.
    std::int64_t samples() const { return samples_; }

  private:
    void encode_frame(const float* samples, int count);

    AVFormatContext* output_;
    AVStream* stream_ = nullptr;
    av::CodecContextPtr codec_;
    av::FramePtr frame_;
    av::PacketPtr packet_;
    std::vector<float> pending_;  // fewer than one frame's samples
    std::int64_t samples_ = 0;
    std::int64_t encoded_ = 0;  // the next frame's timestamp, in samples
};

}  // namespace bgv::live
