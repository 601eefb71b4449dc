#include "live/playback.h"

extern "C" {
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/time.h>
}

#include <chrono>
#include <cstring>
#include <thread>

#include "av/ffmpeg.h"
#include "core/error.h"
#include "live/audio_reader.h"

namespace bgv::live {

namespace {

Clock::duration seconds(double value) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
}

// FFmpeg's output device as a muxer of one pcm_f32le stream. Its write blocks while the device's
// buffer is full, and av_get_output_timestamp says which written sample is at the loudspeaker.
class DevicePlayback : public Playback {
  public:
    DevicePlayback(const std::string& output, const std::string& device, int sample_rate,
                   const AVChannelLayout& layout, int buffer_ms)
        : name_(output + (device.empty() ? "" : ":" + device)), rate_(sample_rate) {
        av::quiet_logs();
        register_devices();
        const AVOutputFormat* format = av_guess_format(output.c_str(), nullptr, nullptr);
        if (format == nullptr || format->priv_class == nullptr ||
            format->priv_class->category != AV_CLASS_CATEGORY_DEVICE_AUDIO_OUTPUT)
            fail("this FFmpeg has no '{}' audio output device", output);
        AVFormatContext* raw = nullptr;
        const std::string url = device.empty() ? "default" : device;
        av::check(avformat_alloc_output_context2(&raw, format, nullptr, url.c_str()),
                  "cannot open the audio output " + name_);
        output_.reset(raw);
        AVStream* stream = avformat_new_stream(output_.get(), nullptr);
        if (stream == nullptr)
            fail("cannot add an audio stream to {}", name_);
        stream->codecpar->codec_type = AVMEDIA_TYPE_AUDIO;
        stream->codecpar->codec_id = AV_CODEC_ID_PCM_F32LE;
        stream->codecpar->format = AV_SAMPLE_FMT_FLT;
        stream->codecpar->sample_rate = sample_rate;
        av::check(av_channel_layout_copy(&stream->codecpar->ch_layout, &layout),
                  "audio channel layout");
        stream->time_base = {1, sample_rate};
        AVDictionary* options = nullptr;
        if (output == "pulse") {
            if (!device.empty())
                av_dict_set(&options, "device", device.c_str(), 0);
            av_dict_set(&options, "name", "bigganviz", 0);
            av_dict_set(&options, "stream_name", "bigganviz live", 0);
            av_dict_set_int(&options, "buffer_duration", buffer_ms, 0);
        } else if (output == "alsa") {
            // FFmpeg's alsa output keeps its own buffer (up to 128 KiB of samples).
        }
        const int opened = avformat_write_header(output_.get(), &options);
        av_dict_free(&options);
        av::check(opened, "cannot open the audio output " + name_);
        stream_ = output_->streams[0];
        packet_.reset(av_packet_alloc());
        channels_ = layout.nb_channels;
    }

    ~DevicePlayback() override {
        if (output_)
            av_write_trailer(output_.get());
    }

    Clock::time_point play(std::span<const float> interleaved, std::int64_t first_frame) override {
        const auto bytes = static_cast<int>(interleaved.size_bytes());
        const std::int64_t frames = static_cast<std::int64_t>(interleaved.size()) / channels_;
        av_packet_unref(packet_.get());
        av::check(av_new_packet(packet_.get(), bytes), "out of memory playing audio");
        std::memcpy(packet_->data, interleaved.data(), static_cast<std::size_t>(bytes));
        const AVRational file_rate{1, rate_};
        packet_->pts = av_rescale_q(first_frame, file_rate, stream_->time_base);
        packet_->dts = packet_->pts;
        packet_->duration = av_rescale_q(frames, file_rate, stream_->time_base);
        packet_->stream_index = 0;
        av::check(av_write_frame(output_.get(), packet_.get()), "cannot play audio on " + name_);

        // The device's clock: `playing` (in the stream's time base) is at the loudspeaker at
        // wall-clock time `wall`.
        std::int64_t playing = 0;
        std::int64_t wall = 0;
        const Clock::time_point now = Clock::now();
        const std::int64_t wall_now = av_gettime();
        if (av_get_output_timestamp(output_.get(), 0, &playing, &wall) < 0) {
            // No clock from this device: the frames are heard once those before them are.
            return now;
        }
        const double playing_seconds = static_cast<double>(playing) * av_q2d(stream_->time_base);
        const double first_seconds = static_cast<double>(first_frame) / rate_;
        const double wall_offset = static_cast<double>(wall - wall_now) * 1e-6;
        return now + seconds(first_seconds - playing_seconds + wall_offset);
    }

  private:
    std::string name_;
    int rate_;
    int channels_ = 1;
    av::OutputPtr output_;
    AVStream* stream_ = nullptr;
    av::PacketPtr packet_;
};

// Nothing is heard: frame i is "heard" at start + i / rate, and play() returns when the frames it
// was given are one buffer ahead of that, as a device's blocking write would.
class PacedPlayback : public Playback {
  public:
    PacedPlayback(int sample_rate, int buffer_ms)
        : rate_(sample_rate),
          buffer_(std::chrono::milliseconds(buffer_ms)),
          start_(Clock::now() + buffer_) {}

    Clock::time_point play(std::span<const float>, std::int64_t first_frame) override {
        const Clock::time_point heard = start_ + seconds(static_cast<double>(first_frame) / rate_);
        std::this_thread::sleep_until(heard - buffer_);
        return heard;
    }

  private:
    int rate_;
    Clock::duration buffer_;
    Clock::time_point start_;
};

}  // namespace

std::unique_ptr<Playback> open_playback(const std::string& output, const std::string& device,
                                        int sample_rate, const AVChannelLayout& layout,
                                        int buffer_ms) {
    if (output == "none")
        return std::make_unique<PacedPlayback>(sample_rate, buffer_ms);
    if (output != "pulse" && output != "alsa")
        fail("audio output '{}': expected pulse, alsa or none", output);
    return std::make_unique<DevicePlayback>(output, device, sample_rate, layout, buffer_ms);
}

}  // namespace bgv::live
