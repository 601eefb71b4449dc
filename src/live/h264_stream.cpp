#include "live/h264_stream.h"

extern "C" {
#include <libavutil/opt.h>
}

#include <algorithm>

#include "core/error.h"

namespace bgv::live {

H264Stream::H264Stream(AVFormatContext* output, const H264Settings& settings)
    : output_(output), converter_(settings.width, settings.height) {
    const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
    if (codec == nullptr)
        fail("this FFmpeg has no libx264 encoder (install libavcodec with x264 support)");
    codec_.reset(avcodec_alloc_context3(codec));
    const AVRational time_base{static_cast<int>(settings.fps.den),
                               static_cast<int>(settings.fps.num)};
    codec_->width = settings.width;
    codec_->height = settings.height;
    codec_->pix_fmt = AV_PIX_FMT_YUV420P;
    codec_->time_base = time_base;
    codec_->framerate = {static_cast<int>(settings.fps.num), static_cast<int>(settings.fps.den)};
    codec_->gop_size = std::max(settings.keyframe_interval, 1);
    codec_->max_b_frames = 0;  // a frame leaves the encoder when the next one comes in
    codec_->thread_count = 1;  // as video/: x264 costs milliseconds a frame next to the generator
    codec_->color_range = AVCOL_RANGE_MPEG;
    codec_->colorspace = AVCOL_SPC_BT709;
    codec_->color_primaries = AVCOL_PRI_BT709;
    codec_->color_trc = AVCOL_TRC_BT709;
    if (output->oformat->flags & AVFMT_GLOBALHEADER)
        codec_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    av_opt_set(codec_->priv_data, "preset", settings.preset.c_str(), 0);
    av_opt_set_double(codec_->priv_data, "crf", settings.crf, 0);
    if (settings.zero_latency)
        av_opt_set(codec_->priv_data, "tune", "zerolatency", 0);
    av::check(avcodec_open2(codec_.get(), codec, nullptr), "cannot open the H.264 encoder");
    stream_ = avformat_new_stream(output, nullptr);
    if (stream_ == nullptr)
        fail("cannot add a video stream");
    av::check(avcodec_parameters_from_context(stream_->codecpar, codec_.get()),
              "cannot describe the video stream");
    stream_->time_base = time_base;
    stream_->avg_frame_rate = codec_->framerate;
    packet_.reset(av_packet_alloc());
}

void H264Stream::write(std::span<const std::uint8_t> rgb, std::int64_t number) {
    AVFrame* frame = converter_.convert(rgb);
    frame->pts = number;
    av::check(avcodec_send_frame(codec_.get(), frame), "H.264 encoding failed");
    av::write_encoded_packets(codec_.get(), packet_.get(), output_, stream_, false,
                              "the H.264 video");
    ++frames_;
}

void H264Stream::finish() {
    av::check(avcodec_send_frame(codec_.get(), nullptr), "H.264 encoding failed");
    av::write_encoded_packets(codec_.get(), packet_.get(), output_, stream_, true,
                              "the H.264 video");
}

}  // namespace bgv::live
