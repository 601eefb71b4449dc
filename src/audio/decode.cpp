#include "audio/decode.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/samplefmt.h>
}

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "core/error.h"
#include "core/log.h"

namespace bgv::audio {

namespace {

// libav prints its own diagnostics to stderr; bigganviz reports failures itself, once.
void silence_libav_logging() {
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

std::string libav_error_text(int code) {
    std::array<char, AV_ERROR_MAX_STRING_SIZE> text{};
    if (av_strerror(code, text.data(), text.size()) < 0)
        return fmt::format("libav error {}", code);
    return std::string(text.data());
}

// Containers librosa 0.10 reads through soundfile (libsndfile); everything else goes through
// audioread, which pipes 16-bit samples out of the ffmpeg command line tool.
bool libsndfile_reads(std::string_view demuxer_names) {
    constexpr std::array<std::string_view, 9> kNames = {"wav",  "w64", "flac", "ogg", "mp3",
                                                        "aiff", "au",  "caf",  "voc"};
    // iformat->name may list several comma-separated names ("mov,mp4,m4a,...").
    const std::string_view first = demuxer_names.substr(0, demuxer_names.find(','));
    return std::find(kNames.begin(), kNames.end(), first) != kNames.end();
}

struct FormatCloser {
    void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};
struct CodecFreer {
    void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct PacketFreer {
    void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct FrameFreer {
    void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};

// Samples as librosa's readers produce them: libsndfile's float conversion (integer scaled by
// 2^-(bits-1)), or, on the audioread path, ffmpeg's conversion to s16 then x / 32768.
template <typename T>
float to_float(T value) {
    if constexpr (std::is_same_v<T, std::uint8_t>) {
        return static_cast<float>(static_cast<int>(value) - 128) * (1.0f / 128.0f);
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
        return static_cast<float>(value) * (1.0f / 32768.0f);
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
        return static_cast<float>(value) * (1.0f / 2147483648.0f);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
        return static_cast<float>(static_cast<double>(value) * (1.0 / 9223372036854775808.0));
    } else {
        return static_cast<float>(value);
    }
}

// libswresample's conversions to s16 (truncating shifts for integers, lrint for floats).
template <typename T>
float to_16_bits(T value) {
    long quantised = 0;
    if constexpr (std::is_same_v<T, std::uint8_t>) {
        quantised = (static_cast<long>(value) - 128) * 256;
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
        quantised = value;
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
        quantised = value >> 16;
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
        quantised = static_cast<long>(value >> 48);
    } else if constexpr (std::is_same_v<T, float>) {
        quantised = std::lrintf(value * 32768.0f);
    } else {
        quantised = std::lrint(value * 32768.0);
    }
    return static_cast<float>(std::clamp(quantised, -32768L, 32767L)) * (1.0f / 32768.0f);
}

// Adds channel `channel` of `frame` (samples of type T) to `sums`, in float32.
template <typename T>
void add_channel(const AVFrame& frame, int channel, bool planar, bool quantise, float* sums) {
    const int channels = frame.ch_layout.nb_channels;
    const auto* data = reinterpret_cast<const std::uint8_t*>(planar ? frame.extended_data[channel]
                                                                    : frame.extended_data[0]);
    const std::size_t stride = planar ? 1 : static_cast<std::size_t>(channels);
    const std::size_t offset = planar ? 0 : static_cast<std::size_t>(channel);
    for (int i = 0; i < frame.nb_samples; ++i) {
        T value;
        std::memcpy(&value, data + (static_cast<std::size_t>(i) * stride + offset) * sizeof(T),
                    sizeof(T));
        sums[i] += quantise ? to_16_bits(value) : to_float(value);
    }
}

void add_channel(const AVFrame& frame, int channel, bool quantise, float* sums) {
    const auto format = static_cast<AVSampleFormat>(frame.format);
    const bool planar = av_sample_fmt_is_planar(format) != 0;
    switch (av_get_packed_sample_fmt(format)) {
        case AV_SAMPLE_FMT_U8:
            return add_channel<std::uint8_t>(frame, channel, planar, quantise, sums);
        case AV_SAMPLE_FMT_S16:
            return add_channel<std::int16_t>(frame, channel, planar, quantise, sums);
        case AV_SAMPLE_FMT_S32:
            return add_channel<std::int32_t>(frame, channel, planar, quantise, sums);
        case AV_SAMPLE_FMT_S64:
            return add_channel<std::int64_t>(frame, channel, planar, quantise, sums);
        case AV_SAMPLE_FMT_FLT:
            return add_channel<float>(frame, channel, planar, quantise, sums);
        case AV_SAMPLE_FMT_DBL:
            return add_channel<double>(frame, channel, planar, quantise, sums);
        default: {
            const char* name = av_get_sample_fmt_name(format);
            fail("unsupported sample format {}", name != nullptr ? name : "(unknown)");
        }
    }
}

class Decoder {
  public:
    Decoder(const std::filesystem::path& path, bool keep_channels) : keep_channels_(keep_channels) {
        silence_libav_logging();
        // "file:" keeps a name with a colon in it from being taken for a URL.
        const std::string url = "file:" + path.string();
        AVFormatContext* raw = nullptr;
        if (const int code = avformat_open_input(&raw, url.c_str(), nullptr, nullptr); code < 0) {
            // FFmpeg answers EINVAL when no demuxer recognises the bytes.
            if (code == AVERROR_INVALIDDATA || code == AVERROR(EINVAL))
                fail("is not an audio or video file FFmpeg can read ({})", libav_error_text(code));
            fail("cannot open: {}", libav_error_text(code));
        }
        format_.reset(raw);
        if (const int code = avformat_find_stream_info(format_.get(), nullptr); code < 0)
            fail("cannot read stream information: {}", libav_error_text(code));

        const AVCodec* codec = nullptr;
        stream_ = av_find_best_stream(format_.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
        if (stream_ == AVERROR_STREAM_NOT_FOUND)
            fail("has no audio stream");
        if (stream_ == AVERROR_DECODER_NOT_FOUND || codec == nullptr)
            fail("no decoder for its audio stream");
        if (stream_ < 0)
            fail("cannot select its audio stream: {}", libav_error_text(stream_));

        codec_.reset(avcodec_alloc_context3(codec));
        if (!codec_)
            fail("out of memory");
        if (const int code =
                avcodec_parameters_to_context(codec_.get(), format_->streams[stream_]->codecpar);
            code < 0)
            fail("cannot configure the {} decoder: {}", codec->name, libav_error_text(code));
        if (const int code = avcodec_open2(codec_.get(), codec, nullptr); code < 0)
            fail("cannot open the {} decoder: {}", codec->name, libav_error_text(code));
        audioread_path_ = !libsndfile_reads(format_->iformat->name);
        // Video, subtitles and cover art need not be parsed.
        for (unsigned i = 0; i < format_->nb_streams; ++i) {
            if (static_cast<int>(i) != stream_)
                format_->streams[i]->discard = AVDISCARD_ALL;
        }
    }

    // Decodes until the end, or until max_seconds at the native rate are collected.
    NativeAudio run(std::optional<double> max_seconds) {
        NativeAudio audio;
        audio.quantised_to_16_bits = audioread_path_;
        std::unique_ptr<AVPacket, PacketFreer> packet(av_packet_alloc());
        std::unique_ptr<AVFrame, FrameFreer> frame(av_frame_alloc());
        if (!packet || !frame)
            fail("out of memory");

        std::optional<std::int64_t> max_frames;
        bool full = false;
        const auto take_frames = [&]() {
            while (!full) {
                const int code = avcodec_receive_frame(codec_.get(), frame.get());
                if (code == AVERROR(EAGAIN) || code == AVERROR_EOF)
                    return;
                if (code < 0) {
                    ++audio.damaged_packets;
                    return;
                }
                append(*frame, audio);
                av_frame_unref(frame.get());
                if (max_seconds && !max_frames)
                    max_frames =
                        frames_for_duration(*max_seconds, audio.sample_rate, audioread_path_);
                if (max_frames && static_cast<std::int64_t>(audio.mono.size()) >= *max_frames) {
                    audio.mono.resize(static_cast<std::size_t>(*max_frames));
                    if (keep_channels_)
                        audio.interleaved.resize(audio.mono.size() *
                                                 static_cast<std::size_t>(audio.channels));
                    full = true;
                }
            }
        };

        std::string read_error;
        while (!full) {
            const int code = av_read_frame(format_.get(), packet.get());
            if (code == AVERROR_EOF)
                break;
            if (code < 0) {  // a truncated or damaged container: keep what came before
                read_error = libav_error_text(code);
                break;
            }
            if (packet->stream_index == stream_) {
                const int sent = avcodec_send_packet(codec_.get(), packet.get());
                if (sent < 0 && sent != AVERROR(EAGAIN))
                    ++audio.damaged_packets;
                take_frames();
            }
            av_packet_unref(packet.get());
        }
        if (!full && avcodec_send_packet(codec_.get(), nullptr) >= 0)
            take_frames();

        if (audio.mono.empty()) {
            if (!read_error.empty())
                fail("no audio could be decoded: {}", read_error);
            if (audio.damaged_packets > 0)
                fail("no audio could be decoded ({} damaged packets)", audio.damaged_packets);
            fail("contains no audio samples");
        }
        if (!read_error.empty() && audio.damaged_packets == 0)
            audio.damaged_packets = 1;
        if (!full && audio.damaged_packets == 0 && ends_before_declared_length(audio))
            audio.damaged_packets = 1;
        return audio;
    }

  private:
    // A file cut short on a packet boundary (a partial download) decodes without any error, but
    // its header still declares the whole length (an mp3's Xing frame count, a container's
    // duration). Encoder delay and padding differ from it by far less than the margin; a length
    // only estimated from the bitrate shrinks with the file and says nothing.
    bool ends_before_declared_length(const NativeAudio& audio) const {
        if (format_->duration == AV_NOPTS_VALUE || format_->duration <= 0 ||
            format_->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE)
            return false;
        const double declared = static_cast<double>(format_->duration) / AV_TIME_BASE;
        const double decoded = static_cast<double>(audio.mono.size()) / audio.sample_rate;
        return decoded < declared - std::max(0.25, 0.01 * declared);
    }

    void append(const AVFrame& frame, NativeAudio& audio) const {
        const int channels = frame.ch_layout.nb_channels;
        if (audio.sample_rate == 0) {
            audio.sample_rate = frame.sample_rate;
            audio.channels = channels;
            if (audio.sample_rate <= 0 || channels <= 0)
                fail("audio stream has no sample rate or channels");
        } else if (frame.sample_rate != audio.sample_rate || channels != audio.channels) {
            fail("audio stream changes from {} Hz, {} channels to {} Hz, {} channels",
                 audio.sample_rate, audio.channels, frame.sample_rate, channels);
        }
        // numpy's mean over the channel axis of a float32 array: a float32 sum of the channels
        // in order, divided by their count (0 + x is x, so starting from zeros changes nothing).
        const std::size_t start = audio.mono.size();
        audio.mono.resize(start + static_cast<std::size_t>(frame.nb_samples), 0.0f);
        float* sums = audio.mono.data() + start;
        for (int c = 0; c < channels; ++c)
            add_channel(frame, c, audioread_path_, sums);
        if (channels > 1) {
            const float count = static_cast<float>(channels);
            for (int i = 0; i < frame.nb_samples; ++i)
                sums[i] /= count;
        }
        if (keep_channels_) {
            // The soundtrack keeps every channel at full precision (no 16-bit pipe rounding).
            const std::size_t samples = static_cast<std::size_t>(frame.nb_samples);
            const std::size_t begin = audio.interleaved.size();
            audio.interleaved.resize(begin + samples * static_cast<std::size_t>(channels));
            std::vector<float> channel_samples(samples);
            for (int c = 0; c < channels; ++c) {
                std::fill(channel_samples.begin(), channel_samples.end(), 0.0f);
                add_channel(frame, c, false, channel_samples.data());
                for (std::size_t i = 0; i < samples; ++i)
                    audio.interleaved[begin + i * static_cast<std::size_t>(channels) +
                                      static_cast<std::size_t>(c)] = channel_samples[i];
            }
        }
    }

    std::unique_ptr<AVFormatContext, FormatCloser> format_;
    std::unique_ptr<AVCodecContext, CodecFreer> codec_;
    int stream_ = -1;
    bool audioread_path_ = false;
    bool keep_channels_ = false;
};

void check_is_nonempty_file(const std::filesystem::path& path) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (!std::filesystem::exists(status))
        fail("no such file");
    if (std::filesystem::is_directory(status))
        fail("is a directory, not an audio file");
    const auto size = std::filesystem::file_size(path, error);
    if (!error && size == 0)
        fail("file is empty");
}

}  // namespace

std::int64_t frames_for_duration(double seconds, int sample_rate, bool audioread_path) {
    const double frames = seconds * static_cast<double>(sample_rate);
    // soundfile: int(duration * sr); audioread: int(np.round(sr * duration)), half to even.
    return static_cast<std::int64_t>(audioread_path ? std::nearbyint(frames) : frames);
}

NativeAudio decode_native(const std::filesystem::path& path, std::optional<double> max_seconds,
                          bool keep_channels) {
    try {
        if (max_seconds && !(*max_seconds > 0))
            fail("duration must be positive, not {}", *max_seconds);
        check_is_nonempty_file(path);
        Decoder decoder(path, keep_channels);
        NativeAudio audio = decoder.run(max_seconds);
        if (audio.damaged_packets > 0) {
            log::warn(
                "{}: {} damaged or truncated packet(s) skipped; using the {:.2f} s that "
                "decoded",
                path.string(), audio.damaged_packets,
                static_cast<double>(audio.mono.size()) / audio.sample_rate);
        }
        return audio;
    } catch (const UsageError&) {
        throw;
    } catch (const Error& error) {
        fail("{}: {}", path.string(), error.what());
    } catch (const std::bad_alloc&) {
        fail("{}: out of memory while decoding", path.string());
    }
}

}  // namespace bgv::audio
