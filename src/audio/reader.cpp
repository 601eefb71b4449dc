#include "audio/reader.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/mathematics.h>
}

#include <algorithm>
#include <array>
#include <cerrno>
#include <string_view>
#include <vector>

#include "audio/sample_conversion.h"
#include "av/ffmpeg.h"
#include "core/assert.h"
#include "core/error.h"

namespace bgv::audio {

namespace {

// Containers librosa 0.10 reads through soundfile (libsndfile); everything else goes through
// audioread, which pipes 16-bit samples out of the ffmpeg command line tool.
bool libsndfile_reads(std::string_view demuxer) {
    constexpr std::array<std::string_view, 9> kNames = {"wav",  "w64", "flac", "ogg", "mp3",
                                                        "aiff", "au",  "caf",  "voc"};
    return std::find(kNames.begin(), kNames.end(), demuxer) != kNames.end();
}

// Containers whose seeks land on packets with timestamps that count samples exactly (PCM
// offsets, sample numbers in FLAC frames, Ogg granule positions, MP4 sample tables; FFmpeg 5.1
// finds mp3 and ADTS frames by reading on from its index). tests/audio/test_seek.cpp checks each
// against a decode from the start. Others, Matroska (milliseconds) first, are decoded from the
// start and the samples before the section dropped.
bool seeks_exactly(std::string_view demuxer) {
    constexpr std::array<std::string_view, 10> kNames = {"wav", "w64", "flac", "ogg", "mov",
                                                         "mp3", "aac", "aiff", "caf", "au"};
    return std::find(kNames.begin(), kNames.end(), demuxer) != kNames.end();
}

// How far before the wanted frame a seek lands: decoders need earlier packets to give the samples
// a decode from the start gives (MDCT overlap, the mp3 bit reservoir, Opus's predictors, which
// were measured to agree bit for bit after 1 s and to differ by 2e-9 after 0.5 s). Decoding 6 s
// costs milliseconds.
constexpr double kPrerollSeconds = 6.0;

}  // namespace

// The FFmpeg side: packets in, decoded samples queued in `mono` (and `interleaved`) from frame
// `position` on.
class AudioReader::Decoder {
  public:
    Decoder(const std::filesystem::path& path, bool keep_channels) : keep_channels_(keep_channels) {
        av::quiet_logs();
        // "file:" keeps a name with a colon in it from being taken for a URL.
        const std::string url = "file:" + path.string();
        AVFormatContext* raw = nullptr;
        if (const int code = avformat_open_input(&raw, url.c_str(), nullptr, nullptr); code < 0) {
            // FFmpeg answers EINVAL when no demuxer recognises the bytes.
            if (code == AVERROR_INVALIDDATA || code == AVERROR(EINVAL))
                fail("is not an audio or video file FFmpeg can read ({})", av::error_text(code));
            fail("cannot open: {}", av::error_text(code));
        }
        format_.reset(raw);
        if (const int code = avformat_find_stream_info(format_.get(), nullptr); code < 0)
            fail("cannot read stream information: {}", av::error_text(code));

        const AVCodec* codec = nullptr;
        stream_ = av_find_best_stream(format_.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
        if (stream_ == AVERROR_STREAM_NOT_FOUND)
            fail("has no audio stream");
        if (stream_ == AVERROR_DECODER_NOT_FOUND || codec == nullptr)
            fail("no decoder for its audio stream");
        if (stream_ < 0)
            fail("cannot select its audio stream: {}", av::error_text(stream_));

        codec_.reset(avcodec_alloc_context3(codec));
        if (!codec_)
            fail("out of memory");
        if (const int code =
                avcodec_parameters_to_context(codec_.get(), format_->streams[stream_]->codecpar);
            code < 0)
            fail("cannot configure the {} decoder: {}", codec->name, av::error_text(code));
        // With the packets' time base the decoder moves a frame's timestamp past the samples it
        // drops at the start (an mp3's encoder delay, Opus's pre-skip): timestamps then count the
        // samples handed out.
        codec_->pkt_timebase = format_->streams[stream_]->time_base;
        if (const int code = avcodec_open2(codec_.get(), codec, nullptr); code < 0)
            fail("cannot open the {} decoder: {}", codec->name, av::error_text(code));
        // iformat->name may list several comma-separated names ("mov,mp4,m4a,...").
        const std::string_view names = format_->iformat->name;
        demuxer_ = names.substr(0, names.find(','));
        audioread_path_ = !libsndfile_reads(demuxer_);
        // Video, subtitles and cover art need not be parsed.
        for (unsigned i = 0; i < format_->nb_streams; ++i) {
            if (static_cast<int>(i) != stream_)
                format_->streams[i]->discard = AVDISCARD_ALL;
        }
        packet_.reset(av_packet_alloc());
        frame_.reset(av_frame_alloc());
        if (!packet_ || !frame_)
            fail("out of memory");
    }

    // Decodes the first packet: the rate, the channels and the timestamp of frame 0.
    void start() {
        if (started_)
            return;
        started_ = true;
        fill();
        first_pts_ = pending_pts_;
    }

    // Decodes packets until samples are queued; false when the stream has ended with none.
    bool fill() {
        while (queued() == 0 && !ended_)
            read_one_packet();
        return queued() > 0;
    }

    std::int64_t queued() const { return static_cast<std::int64_t>(mono_.size()) - offset_; }

    // Drops the first `count` queued frames.
    void consume(std::int64_t count) {
        BGV_ASSERT(count <= queued(), "consuming {} of {} queued frames", count, queued());
        offset_ += count;
        position_ += count;
    }

    // Seeks to a little before `frame` and decodes the first packet there; false (the decoder
    // then unusable) when the container or its timestamps do not allow an exact position.
    bool seek_before(std::int64_t frame) {
        if (!seeks_exactly(demuxer_) || first_pts_ == AV_NOPTS_VALUE)
            return false;
        const AVStream* stream = format_->streams[stream_];
        const auto preroll = static_cast<std::int64_t>(kPrerollSeconds * rate_);
        const std::int64_t target = frame - preroll;
        const std::int64_t timestamp =
            first_pts_ + av_rescale_q(target, AVRational{1, rate_}, stream->time_base);
        if (avformat_seek_file(format_.get(), stream_, INT64_MIN, timestamp, timestamp, 0) < 0)
            return false;
        avcodec_flush_buffers(codec_.get());
        mono_.clear();
        interleaved_.clear();
        offset_ = 0;
        ended_ = false;
        read_error_.clear();
        if (!fill() || pending_pts_ == AV_NOPTS_VALUE)
            return false;
        const std::int64_t landed =
            av_rescale_q_rnd(pending_pts_ - first_pts_, stream->time_base, AVRational{1, rate_},
                             static_cast<AVRounding>(AV_ROUND_NEAR_INF | AV_ROUND_PASS_MINMAX));
        // A landing after the frame, or before the start, is no position to count from.
        if (landed < 0 || landed > frame)
            return false;
        position_ = landed;
        return true;
    }

    // Forgets the damage seen so far (a seek's pre-roll).
    void forget_damage() {
        damaged_ = 0;
        read_error_.clear();
    }

    const float* mono() const { return mono_.data() + offset_; }
    const float* interleaved() const {
        return keep_channels_ ? interleaved_.data() + offset_ * channels_ : nullptr;
    }
    std::int64_t position() const { return position_; }
    int rate() const { return rate_; }
    int channels() const { return channels_; }
    bool audioread_path() const { return audioread_path_; }
    int damaged() const { return damaged_; }
    const std::string& read_error() const { return read_error_; }

    double declared_seconds() const {
        if (format_->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE)
            return 0;  // derived from the file's size: a cut file states its cut length
        return estimated_seconds();
    }

    double estimated_seconds() const {
        const AVStream* stream = format_->streams[stream_];
        if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0)
            return static_cast<double>(stream->duration) * av_q2d(stream->time_base);
        if (format_->duration != AV_NOPTS_VALUE && format_->duration > 0)
            return static_cast<double>(format_->duration) / AV_TIME_BASE;
        return 0;
    }

  private:
    // One packet read, sent and its frames received (the flush at the end of the stream).
    void read_one_packet() {
        if (offset_ > 0 && queued() == 0) {
            mono_.clear();
            interleaved_.clear();
            offset_ = 0;
        }
        const int code = av_read_frame(format_.get(), packet_.get());
        if (code < 0) {
            if (code != AVERROR_EOF)  // a truncated or damaged container: keep what came before
                read_error_ = av::error_text(code);
            if (avcodec_send_packet(codec_.get(), nullptr) >= 0)
                receive_frames();
            ended_ = true;
            return;
        }
        if (packet_->stream_index == stream_) {
            const int sent = avcodec_send_packet(codec_.get(), packet_.get());
            if (sent < 0 && sent != AVERROR(EAGAIN))
                ++damaged_;
            receive_frames();
        }
        av_packet_unref(packet_.get());
    }

    void receive_frames() {
        for (;;) {
            const int code = avcodec_receive_frame(codec_.get(), frame_.get());
            if (code == AVERROR(EAGAIN) || code == AVERROR_EOF)
                return;
            if (code < 0) {
                ++damaged_;
                return;
            }
            if (queued() == 0)
                pending_pts_ = frame_->best_effort_timestamp;
            append(*frame_);
            av_frame_unref(frame_.get());
        }
    }

    void append(const AVFrame& frame) {
        const int channels = frame.ch_layout.nb_channels;
        if (rate_ == 0) {
            rate_ = frame.sample_rate;
            channels_ = channels;
            if (rate_ <= 0 || channels_ <= 0)
                fail("audio stream has no sample rate or channels");
        } else if (frame.sample_rate != rate_ || channels != channels_) {
            fail("audio stream changes from {} Hz, {} channels to {} Hz, {} channels", rate_,
                 channels_, frame.sample_rate, channels);
        }
        // numpy's mean over the channel axis of a float32 array: a float32 sum of the channels
        // in order, divided by their count (0 + x is x, so starting from zeros changes nothing).
        const std::size_t start = mono_.size();
        mono_.resize(start + static_cast<std::size_t>(frame.nb_samples), 0.0f);
        float* sums = mono_.data() + start;
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
            const std::size_t begin = interleaved_.size();
            interleaved_.resize(begin + samples * static_cast<std::size_t>(channels));
            channel_samples_.resize(samples);
            for (int c = 0; c < channels; ++c) {
                std::fill(channel_samples_.begin(), channel_samples_.end(), 0.0f);
                add_channel(frame, c, false, channel_samples_.data());
                for (std::size_t i = 0; i < samples; ++i)
                    interleaved_[begin + i * static_cast<std::size_t>(channels) +
                                 static_cast<std::size_t>(c)] = channel_samples_[i];
            }
        }
    }

    av::InputPtr format_;
    av::CodecContextPtr codec_;
    av::PacketPtr packet_;
    av::FramePtr frame_;
    int stream_ = -1;
    std::string_view demuxer_;
    bool audioread_path_ = false;
    bool keep_channels_ = false;
    int rate_ = 0;
    int channels_ = 0;
    bool started_ = false;
    bool ended_ = false;
    int damaged_ = 0;
    std::string read_error_;
    std::int64_t first_pts_ = AV_NOPTS_VALUE;    // of the stream's first decoded frame
    std::int64_t pending_pts_ = AV_NOPTS_VALUE;  // of the first frame queued
    std::vector<float> mono_, interleaved_, channel_samples_;
    std::int64_t offset_ = 0;    // frames of mono_ already handed out or dropped
    std::int64_t position_ = 0;  // stream frame of mono_[offset_]
};

AudioReader::AudioReader(const std::filesystem::path& path, bool keep_channels)
    : path_(path),
      keep_channels_(keep_channels),
      decoder_(std::make_unique<Decoder>(path, keep_channels)) {}

AudioReader::~AudioReader() = default;

int AudioReader::sample_rate() {
    decoder_->start();
    return decoder_->rate();
}

int AudioReader::channels() {
    decoder_->start();
    return decoder_->channels();
}

std::int64_t AudioReader::position() const {
    return decoder_->position() + handed_out_;
}

bool AudioReader::quantised_to_16_bits() const {
    return decoder_->audioread_path();
}

double AudioReader::declared_seconds() const {
    return decoder_->declared_seconds();
}

double AudioReader::estimated_seconds() const {
    return decoder_->estimated_seconds();
}

int AudioReader::damaged_packets() const {
    return decoder_->damaged();
}

const std::string& AudioReader::read_error() const {
    return decoder_->read_error();
}

bool AudioReader::sought() const {
    return sought_;
}

void AudioReader::skip_to(std::int64_t frame) {
    Decoder& decoder = *decoder_;
    decoder.start();
    BGV_ASSERT(frame >= decoder.position(), "skipping back from frame {} to {}", decoder.position(),
               frame);
    const int rate = decoder.rate();
    // A seek pays when it saves more than its pre-roll; within that, decoding on is as cheap.
    const auto worth_a_seek = static_cast<std::int64_t>(2 * kPrerollSeconds * rate);
    if (rate > 0 && frame - decoder.position() > worth_a_seek) {
        if (decoder.seek_before(frame)) {
            sought_ = true;
        } else {
            // The decoder's state after a refused or inexact seek is not to be trusted.
            decoder_ = std::make_unique<Decoder>(path_, keep_channels_);
            decoder_->start();
        }
    }
    Decoder& from = *decoder_;
    while (from.position() < frame && from.fill())
        from.consume(std::min(from.queued(), frame - from.position()));
    if (sought_)
        from.forget_damage();
}

bool AudioReader::next(Chunk& chunk) {
    Decoder& decoder = *decoder_;
    decoder.start();
    if (handed_out_ > 0) {
        decoder.consume(handed_out_);
        handed_out_ = 0;
    }
    if (!decoder.fill())
        return false;
    handed_out_ = decoder.queued();
    chunk.first_frame = decoder.position();
    chunk.mono = {decoder.mono(), static_cast<std::size_t>(handed_out_)};
    chunk.interleaved =
        keep_channels_
            ? std::span<const float>(decoder.interleaved(),
                                     static_cast<std::size_t>(handed_out_ * decoder.channels()))
            : std::span<const float>();
    return true;
}

}  // namespace bgv::audio
