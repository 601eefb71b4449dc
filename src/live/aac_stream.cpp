#include "live/aac_stream.h"

extern "C" {
#include <libavutil/channel_layout.h>
}

#include <algorithm>

#include "core/error.h"

namespace bgv::live {

AacStream::AacStream(AVFormatContext* output, int sample_rate, int bit_rate) : output_(output) {
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
    if (codec == nullptr)
        fail("this FFmpeg has no AAC encoder");
    codec_.reset(avcodec_alloc_context3(codec));
    codec_->sample_fmt = AV_SAMPLE_FMT_FLTP;
    codec_->sample_rate = sample_rate;
    av_channel_layout_default(&codec_->ch_layout, 1);
    codec_->bit_rate = bit_rate;
    codec_->time_base = {1, sample_rate};
    if (output->oformat->flags & AVFMT_GLOBALHEADER)
        codec_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    av::check(avcodec_open2(codec_.get(), codec, nullptr), "cannot open the AAC encoder");
    stream_ = avformat_new_stream(output, nullptr);
    if (stream_ == nullptr)
        fail("cannot add an audio stream");
    av::check(avcodec_parameters_from_context(stream_->codecpar, codec_.get()),
              "cannot describe the audio stream");
    stream_->time_base = codec_->time_base;
    frame_.reset(av_frame_alloc());
    packet_.reset(av_packet_alloc());
}

void AacStream::encode_frame(const float* samples, int count) {
    const int size = codec_->frame_size;
    av_frame_unref(frame_.get());
    frame_->format = AV_SAMPLE_FMT_FLTP;
    frame_->sample_rate = codec_->sample_rate;
    frame_->nb_samples = size;
    av::check(av_channel_layout_copy(&frame_->ch_layout, &codec_->ch_layout), "audio layout");
    av::check(av_frame_get_buffer(frame_.get(), 0), "cannot allocate an audio frame");
    auto* plane = reinterpret_cast<float*>(frame_->data[0]);
    std::copy_n(samples, count, plane);
    std::fill(plane + count, plane + size, 0.0f);
    frame_->pts = encoded_;
    encoded_ += size;
    av::check(avcodec_send_frame(codec_.get(), frame_.get()), "AAC encoding failed");
    av::write_encoded_packets(codec_.get(), packet_.get(), output_, stream_, false,
                              "the AAC audio");
}

void AacStream::write(std::span<const float> mono) {
    samples_ += static_cast<std::int64_t>(mono.size());
    const auto size = static_cast<std::size_t>(codec_->frame_size);
    std::size_t at = 0;
    if (!pending_.empty()) {
        const std::size_t take = std::min(size - pending_.size(), mono.size());
        pending_.insert(pending_.end(), mono.begin(), mono.begin() + static_cast<long>(take));
        at = take;
        if (pending_.size() < size)
            return;
        encode_frame(pending_.data(), static_cast<int>(size));
        pending_.clear();
    }
    for (; at + size <= mono.size(); at += size)
        encode_frame(mono.data() + at, static_cast<int>(size));
    pending_.assign(mono.begin() + static_cast<long>(at), mono.end());
}

void AacStream::finish() {
    if (!pending_.empty())
        encode_frame(pending_.data(), static_cast<int>(pending_.size()));
    pending_.clear();
    av::check(avcodec_send_frame(codec_.get(), nullptr), "AAC encoding failed");
    av::write_encoded_packets(codec_.get(), packet_.get(), output_, stream_, true, "the AAC audio");
}

}  // namespace bgv::live
