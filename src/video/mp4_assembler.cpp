#include "video/mp4_assembler.h"

extern "C" {
#include <libavutil/channel_layout.h>
}

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/assert.h"
#include "core/error.h"
#include "video/output_format.h"
#include "video/subtitle_track.h"

namespace bgv::video {

namespace fs = std::filesystem;

namespace {

// Feeds the audio encoder (AAC, PCM or FLAC) a frame of samples at a time and hands its packets
// to the muxer, so that audio can be interleaved with the video as the video packets are copied.
class AudioWriter {
  public:
    AudioWriter(AVFormatContext* output, const AudioTrack& audio, AudioCodec kind)
        : output_(output), audio_(audio) {
        const AVCodecID id = kind == AudioCodec::aac         ? AV_CODEC_ID_AAC
                             : kind == AudioCodec::pcm_s16le ? AV_CODEC_ID_PCM_S16LE
                                                             : AV_CODEC_ID_FLAC;
        const AVCodec* codec = avcodec_find_encoder(id);
        if (codec == nullptr)
            fail("this FFmpeg has no {} encoder", avcodec_get_name(id));
        codec_.reset(avcodec_alloc_context3(codec));
        // AAC takes planar floats; PCM and FLAC 16-bit integers, interleaved.
        codec_->sample_fmt = kind == AudioCodec::aac ? AV_SAMPLE_FMT_FLTP : AV_SAMPLE_FMT_S16;
        codec_->sample_rate = audio.sample_rate;
        av_channel_layout_default(&codec_->ch_layout, audio.channels);
        if (kind == AudioCodec::aac)
            codec_->bit_rate = audio.channels == 1 ? 128000 : 192000;
        codec_->time_base = {1, audio.sample_rate};
        codec_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER | AV_CODEC_FLAG_BITEXACT;
        av::check(avcodec_open2(codec_.get(), codec, nullptr),
                  fmt::format("cannot open the {} encoder", avcodec_get_name(id)));
        stream_ = avformat_new_stream(output, nullptr);
        if (stream_ == nullptr)
            fail("cannot add an audio stream");
        av::check(avcodec_parameters_from_context(stream_->codecpar, codec_.get()),
                  "cannot describe the audio stream");
        stream_->time_base = codec_->time_base;
        small_last_frame_ = (codec->capabilities & (AV_CODEC_CAP_SMALL_LAST_FRAME |
                                                    AV_CODEC_CAP_VARIABLE_FRAME_SIZE)) != 0;
        // PCM takes any number of samples a frame: 1024, as AAC's frames.
        frame_size_ = codec_->frame_size > 0 ? codec_->frame_size : 1024;
        frame_.reset(av_frame_alloc());
        packet_.reset(av_packet_alloc());
        block_.resize(static_cast<std::size_t>(frame_size_) *
                      static_cast<std::size_t>(audio.channels));
    }

    // Seconds of audio handed to the encoder so far.
    double time() const { return static_cast<double>(position_) / audio_.sample_rate; }
    bool done() const { return flushed_; }

    // Encodes the next frame of samples, or flushes the encoder after the last one.
    void step() {
        const auto channels = static_cast<std::size_t>(audio_.channels);
        const int count = ended_ ? 0 : static_cast<int>(audio_.read(block_));
        ended_ = count < frame_size_;
        if (count == 0) {
            av::check(avcodec_send_frame(codec_.get(), nullptr), "audio encoding failed");
            av::write_encoded_packets(codec_.get(), packet_.get(), output_, stream_, true,
                                      "the audio");
            flushed_ = true;
            return;
        }
        av_frame_unref(frame_.get());
        frame_->format = codec_->sample_fmt;
        frame_->sample_rate = audio_.sample_rate;
        frame_->nb_samples = small_last_frame_ ? count : frame_size_;
        av::check(av_channel_layout_copy(&frame_->ch_layout, &codec_->ch_layout), "audio layout");
        av::check(av_frame_get_buffer(frame_.get(), 0), "cannot allocate an audio frame");
        const auto sample = [&](int i, std::size_t c) {
            return i < count ? block_[static_cast<std::size_t>(i) * channels + c] : 0.0f;
        };
        if (codec_->sample_fmt == AV_SAMPLE_FMT_FLTP) {
            for (std::size_t c = 0; c < channels; ++c) {
                auto* plane = reinterpret_cast<float*>(frame_->data[c]);
                for (int i = 0; i < frame_->nb_samples; ++i)
                    plane[i] = sample(i, c);
            }
        } else {
            auto* interleaved = reinterpret_cast<std::int16_t*>(frame_->data[0]);
            for (int i = 0; i < frame_->nb_samples; ++i)
                for (std::size_t c = 0; c < channels; ++c)
                    interleaved[static_cast<std::size_t>(i) * channels + c] =
                        static_cast<std::int16_t>(
                            std::lround(std::clamp(sample(i, c), -1.0f, 1.0f) * 32767.0f));
        }
        frame_->pts = position_;
        position_ += count;
        av::check(avcodec_send_frame(codec_.get(), frame_.get()), "audio encoding failed");
        av::write_encoded_packets(codec_.get(), packet_.get(), output_, stream_, false,
                                  "the audio");
    }

  private:
    AVFormatContext* output_;
    AudioTrack audio_;
    av::CodecContextPtr codec_;
    AVStream* stream_ = nullptr;
    av::FramePtr frame_;
    av::PacketPtr packet_;
    std::vector<float> block_;  // the frame's samples as read, interleaved
    std::int64_t position_ = 0;
    bool ended_ = false;  // the track gave fewer samples than a frame holds
    int frame_size_ = 1024;
    bool small_last_frame_ = false;
    bool flushed_ = false;
};

AVCodecID codec_id(Codec codec) {
    switch (codec) {
        case Codec::h264:
            return AV_CODEC_ID_H264;
        case Codec::hevc:
            return AV_CODEC_ID_HEVC;
        case Codec::prores:
            return AV_CODEC_ID_PRORES;
        case Codec::ffv1:
            return AV_CODEC_ID_FFV1;
    }
    return AV_CODEC_ID_NONE;
}

av::InputPtr open_segment(const fs::path& path, Codec codec) {
    AVFormatContext* raw = nullptr;
    av::check(avformat_open_input(&raw, path.c_str(), nullptr, nullptr),
              "cannot open " + path.string());
    av::InputPtr input(raw);
    av::check(avformat_find_stream_info(input.get(), nullptr), "cannot read " + path.string());
    if (input->nb_streams != 1 || input->streams[0]->codecpar->codec_id != codec_id(codec))
        fail("{}: not a {} video piece written by bigganviz", path.string(), codec_name(codec));
    return input;
}

bool same_headers(const AVCodecParameters* a, const AVCodecParameters* b) {
    return a->width == b->width && a->height == b->height && a->format == b->format &&
           a->extradata_size == b->extradata_size &&
           (a->extradata_size == 0 ||
            std::memcmp(a->extradata, b->extradata, static_cast<std::size_t>(a->extradata_size)) ==
                0);
}

// The tag players look for: HEVC as 'hvc1' (parameter sets in the sample description, which
// Apple's players require), ProRes keeping its profile's tag from the piece; others the muxer's.
std::uint32_t video_tag(Codec codec, const AVCodecParameters* piece, Container container) {
    if (container == Container::mkv)
        return 0;
    if (codec == Codec::hevc)
        return MKTAG('h', 'v', 'c', '1');
    if (codec == Codec::prores)
        return piece->codec_tag;
    return 0;
}

}  // namespace

AudioTrack AudioTrack::of_samples(std::span<const float> samples, int sample_rate, int channels) {
    BGV_ASSERT(channels > 0 && samples.size() % static_cast<std::size_t>(channels) == 0,
               "{} samples are not whole sample times of {} channels", samples.size(), channels);
    auto next = std::make_shared<std::size_t>(0);  // the first float not yet read
    return {sample_rate, channels, [samples, next, channels](std::span<float> into) {
                const std::size_t count = std::min(into.size(), samples.size() - *next);
                std::copy_n(samples.begin() + static_cast<std::ptrdiff_t>(*next), count,
                            into.begin());
                *next += count;
                return count / static_cast<std::size_t>(channels);
            }};
}

void assemble_video(std::span<const fs::path> segments, const EncoderSettings& settings,
                    std::int64_t expected_frames, const AudioTrack& audio,
                    std::span<const SubtitleCue> subtitles, const fs::path& path) {
    if (segments.empty())
        fail("no video pieces to join");
    if (audio.channels < 1 || audio.sample_rate <= 0 || !audio.read)
        fail("audio track needs channels, a sample rate and samples");
    const Codec codec = settings.format.codec;
    const Container container = settings.format.container;
    av::OutputPtr output = av::open_output(path.c_str(), container_name(container).data());

    av::InputPtr first = open_segment(segments[0], codec);
    AVStream* video = avformat_new_stream(output.get(), nullptr);
    if (video == nullptr)
        fail("cannot add a video stream");
    av::check(avcodec_parameters_copy(video->codecpar, first->streams[0]->codecpar),
              "cannot copy the video stream's parameters");
    video->codecpar->codec_tag = video_tag(codec, first->streams[0]->codecpar, container);
    const AVRational frame_time{settings.frame_rate_den, settings.frame_rate_num};
    video->time_base = frame_time;
    video->avg_frame_rate = {settings.frame_rate_num, settings.frame_rate_den};
    video->r_frame_rate = video->avg_frame_rate;

    AudioWriter sound(output.get(), audio, audio_codec(settings.format));
    const double video_seconds =
        static_cast<double>(expected_frames) * settings.frame_rate_den / settings.frame_rate_num;
    std::optional<SubtitleTrack> lyrics;
    if (!subtitles.empty())
        lyrics.emplace(output.get(), container, subtitles, video_seconds);
    AVDictionary* muxer_options = nullptr;
    if (container != Container::mkv) {
        // "Fast start": the muxer moves the index (moov) in front of the media data (mdat) when
        // it finishes, so a web player can start before the whole file has arrived.
        av_dict_set(&muxer_options, "movflags", "+faststart", 0);
    }
    const int header = avformat_write_header(output.get(), &muxer_options);
    av_dict_free(&muxer_options);
    av::check(header, "cannot write " + path.string());

    av::PacketPtr packet(av_packet_alloc());
    std::int64_t frame = 0;
    for (std::size_t s = 0; s < segments.size(); ++s) {
        av::InputPtr input = s == 0 ? std::move(first) : open_segment(segments[s], codec);
        if (!same_headers(input->streams[0]->codecpar, video->codecpar))
            fail("{}: encoded with other settings than the first piece", segments[s].string());
        while (av_read_frame(input.get(), packet.get()) >= 0) {
            const double seconds =
                static_cast<double>(frame) * settings.frame_rate_den / settings.frame_rate_num;
            while (!sound.done() && sound.time() <= seconds)
                sound.step();
            if (lyrics)
                lyrics->write_until(seconds);
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
    while (!sound.done())
        sound.step();
    if (lyrics)
        lyrics->finish();
    av::check(av_write_trailer(output.get()), "cannot finish " + path.string());
}

void assemble_mp4(std::span<const fs::path> segments, const EncoderSettings& settings,
                  std::int64_t expected_frames, const AudioTrack& audio, const fs::path& path) {
    assemble_video(segments, settings, expected_frames, audio, {}, path);
}

}  // namespace bgv::video
