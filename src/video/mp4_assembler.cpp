#include "video/mp4_assembler.h"

extern "C" {
#include <libavutil/channel_layout.h>
}

#include <algorithm>
#include <cstring>
#include <string>

#include "core/error.h"

namespace bgv::video {

namespace fs = std::filesystem;

namespace {

// Feeds the AAC encoder 1024 samples at a time and hands its packets to the muxer, so that audio
// can be interleaved with the video as the video packets are copied.
class AacWriter {
  public:
    AacWriter(AVFormatContext* output, const AudioTrack& audio) : output_(output), audio_(audio) {
        const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
        if (codec == nullptr)
            fail("this FFmpeg has no AAC encoder");
        codec_.reset(avcodec_alloc_context3(codec));
        codec_->sample_fmt = AV_SAMPLE_FMT_FLTP;
        codec_->sample_rate = audio.sample_rate;
        av_channel_layout_default(&codec_->ch_layout, audio.channels);
        codec_->bit_rate = audio.channels == 1 ? 128000 : 192000;
        codec_->time_base = {1, audio.sample_rate};
        codec_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER | AV_CODEC_FLAG_BITEXACT;
        av::check(avcodec_open2(codec_.get(), codec, nullptr), "cannot open the AAC encoder");
        stream_ = avformat_new_stream(output, nullptr);
        if (stream_ == nullptr)
            fail("cannot add an audio stream");
        av::check(avcodec_parameters_from_context(stream_->codecpar, codec_.get()),
                  "cannot describe the audio stream");
        stream_->time_base = codec_->time_base;
        small_last_frame_ = (codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME) != 0;
        frame_.reset(av_frame_alloc());
        packet_.reset(av_packet_alloc());
        total_ = static_cast<std::int64_t>(audio.samples.size()) / audio.channels;
    }

    // Seconds of audio handed to the encoder so far.
    double time() const { return static_cast<double>(position_) / audio_.sample_rate; }
    bool done() const { return flushed_; }

    // Encodes the next frame of samples, or flushes the encoder after the last one.
    void step() {
        if (position_ >= total_) {
            av::check(avcodec_send_frame(codec_.get(), nullptr), "AAC encoding failed");
            av::write_encoded_packets(codec_.get(), packet_.get(), output_, stream_, true,
                                      "the AAC audio");
            flushed_ = true;
            return;
        }
        const int frame_size = codec_->frame_size;
        const std::int64_t left = total_ - position_;
        const int count = static_cast<int>(std::min<std::int64_t>(frame_size, left));
        av_frame_unref(frame_.get());
        frame_->format = AV_SAMPLE_FMT_FLTP;
        frame_->sample_rate = audio_.sample_rate;
        frame_->nb_samples = small_last_frame_ ? count : frame_size;
        av::check(av_channel_layout_copy(&frame_->ch_layout, &codec_->ch_layout), "audio layout");
        av::check(av_frame_get_buffer(frame_.get(), 0), "cannot allocate an audio frame");
        for (int c = 0; c < audio_.channels; ++c) {
            auto* plane = reinterpret_cast<float*>(frame_->data[c]);
            for (int i = 0; i < frame_->nb_samples; ++i) {
                plane[i] = i < count ? audio_.samples[(position_ + i) * audio_.channels + c] : 0.0f;
            }
        }
        frame_->pts = position_;
        position_ += count;
        av::check(avcodec_send_frame(codec_.get(), frame_.get()), "AAC encoding failed");
        av::write_encoded_packets(codec_.get(), packet_.get(), output_, stream_, false,
                                  "the AAC audio");
    }

  private:
    AVFormatContext* output_;
    AudioTrack audio_;
    av::CodecContextPtr codec_;
    AVStream* stream_ = nullptr;
    av::FramePtr frame_;
    av::PacketPtr packet_;
    std::int64_t total_ = 0;
    std::int64_t position_ = 0;
    bool small_last_frame_ = false;
    bool flushed_ = false;
};

av::InputPtr open_segment(const fs::path& path) {
    AVFormatContext* raw = nullptr;
    av::check(avformat_open_input(&raw, path.c_str(), nullptr, nullptr),
              "cannot open " + path.string());
    av::InputPtr input(raw);
    av::check(avformat_find_stream_info(input.get(), nullptr), "cannot read " + path.string());
    if (input->nb_streams != 1 || input->streams[0]->codecpar->codec_id != AV_CODEC_ID_H264)
        fail("{}: not a video piece written by bigganviz", path.string());
    return input;
}

bool same_headers(const AVCodecParameters* a, const AVCodecParameters* b) {
    return a->width == b->width && a->height == b->height &&
           a->extradata_size == b->extradata_size &&
           (a->extradata_size == 0 ||
            std::memcmp(a->extradata, b->extradata, static_cast<std::size_t>(a->extradata_size)) ==
                0);
}

}  // namespace

void assemble_mp4(std::span<const fs::path> segments, const EncoderSettings& settings,
                  std::int64_t expected_frames, const AudioTrack& audio, const fs::path& path) {
    if (segments.empty())
        fail("no video pieces to join");
    if (audio.channels < 1 || audio.sample_rate <= 0)
        fail("audio track needs channels and a sample rate");
    av::OutputPtr output = av::open_mp4_output(path.c_str());

    av::InputPtr first = open_segment(segments[0]);
    AVStream* video = avformat_new_stream(output.get(), nullptr);
    if (video == nullptr)
        fail("cannot add a video stream");
    av::check(avcodec_parameters_copy(video->codecpar, first->streams[0]->codecpar),
              "cannot copy the video stream's parameters");
    video->codecpar->codec_tag = 0;
    const AVRational frame_time{settings.frame_rate_den, settings.frame_rate_num};
    video->time_base = frame_time;
    video->avg_frame_rate = {settings.frame_rate_num, settings.frame_rate_den};
    video->r_frame_rate = video->avg_frame_rate;

    AacWriter aac(output.get(), audio);
    // "Fast start": the muxer moves the index (moov) in front of the media data (mdat) when it
    // finishes, so a web player can start before the whole file has arrived.
    AVDictionary* muxer_options = nullptr;
    av_dict_set(&muxer_options, "movflags", "+faststart", 0);
    const int header = avformat_write_header(output.get(), &muxer_options);
    av_dict_free(&muxer_options);
    av::check(header, "cannot write " + path.string());

    av::PacketPtr packet(av_packet_alloc());
    std::int64_t frame = 0;
    for (std::size_t s = 0; s < segments.size(); ++s) {
        av::InputPtr input = s == 0 ? std::move(first) : open_segment(segments[s]);
        if (!same_headers(input->streams[0]->codecpar, video->codecpar))
            fail("{}: encoded with other settings than the first piece", segments[s].string());
        while (av_read_frame(input.get(), packet.get()) >= 0) {
            const double seconds =
                static_cast<double>(frame) * settings.frame_rate_den / settings.frame_rate_num;
            while (!aac.done() && aac.time() <= seconds)
                aac.step();
            packet->pts = frame;
            packet->dts = frame;
            packet->duration = 1;
            packet->pos = -1;
            packet->stream_index = video->index;
            av_packet_rescale_ts(packet.get(), frame_time, video->time_base);
            av::check(av_interleaved_write_frame(output.get(), packet.get()),
                      "cannot write " + path.string());
            ++frame;
        }
    }
    if (frame != expected_frames)
        fail("the video pieces hold {} frames, expected {}", frame, expected_frames);
    while (!aac.done())
        aac.step();
    av::check(av_write_trailer(output.get()), "cannot finish " + path.string());
}

}  // namespace bgv::video
