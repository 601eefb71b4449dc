#include "video/subtitle_track.h"

extern "C" {
#include <libavutil/mem.h>
}

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "core/error.h"

namespace bgv::video {

namespace {

constexpr AVRational kMilliseconds{1, 1000};

std::int64_t milliseconds(double seconds) {
    return static_cast<std::int64_t>(std::llround(seconds * 1000.0));
}

}  // namespace

SubtitleTrack::SubtitleTrack(AVFormatContext* output, Container container,
                             std::span<const SubtitleCue> cues, double video_seconds)
    : output_(output), packet_(av_packet_alloc()) {
    const std::int64_t video_end = milliseconds(video_seconds);
    for (const auto& cue : cues) {
        Timed timed{milliseconds(std::max(0.0, cue.start_seconds)),
                    std::min(milliseconds(cue.end_seconds), video_end), cue.text};
        if (timed.start_ms < timed.end_ms)
            cues_.push_back(std::move(timed));
    }
    std::stable_sort(cues_.begin(), cues_.end(),
                     [](const Timed& a, const Timed& b) { return a.start_ms < b.start_ms; });

    const AVCodecID id = container == Container::mkv ? AV_CODEC_ID_SUBRIP : AV_CODEC_ID_MOV_TEXT;
    const AVCodec* codec = avcodec_find_encoder(id);
    if (codec == nullptr)
        fail("this FFmpeg has no {} subtitle encoder", avcodec_get_name(id));
    encoder_.reset(avcodec_alloc_context3(codec));
    encoder_->time_base = kMilliseconds;
    // Both encoders read the cues as ASS events under an ASS header. Its style is FFmpeg's ASS
    // default (Arial 16 on a 384x288 script), which the encoders write as no styling at all: a
    // soft track leaves the look to the player.
    const std::string header =
        ass_header(SubtitleStyle{.font = "Arial", .size = 16, .margin = 10}, {384, 288});
    encoder_->subtitle_header = static_cast<std::uint8_t*>(av_mallocz(header.size() + 1));
    if (encoder_->subtitle_header == nullptr)
        fail("out of memory for the subtitle header");
    std::memcpy(encoder_->subtitle_header, header.data(), header.size());
    encoder_->subtitle_header_size = static_cast<int>(header.size());
    encoder_->flags |= AV_CODEC_FLAG_BITEXACT;
    av::check(avcodec_open2(encoder_.get(), codec, nullptr), "cannot open the subtitle encoder");

    stream_ = avformat_new_stream(output, nullptr);
    if (stream_ == nullptr)
        fail("cannot add a subtitle stream");
    av::check(avcodec_parameters_from_context(stream_->codecpar, encoder_.get()),
              "cannot describe the subtitle stream");
    stream_->time_base = kMilliseconds;
}

void SubtitleTrack::write_until(double seconds) {
    write_before(milliseconds(seconds));
}

void SubtitleTrack::finish() {
    write_before(std::numeric_limits<std::int64_t>::max());
}

void SubtitleTrack::write_before(std::int64_t until) {
    std::vector<std::uint8_t> buffer;
    while (next_ < cues_.size() && cues_[next_].start_ms < until) {
        const Timed& cue = cues_[next_++];
        // An ASS event without its times: ReadOrder, Layer, Style, Name, MarginL, MarginR,
        // MarginV, Effect, Text.
        std::string event = "0,0,Default,,0,0,0,," + ass_text(cue.text);
        AVSubtitleRect rect{};
        rect.type = SUBTITLE_ASS;
        rect.ass = event.data();
        AVSubtitleRect* rects[1] = {&rect};
        AVSubtitle subtitle{};
        subtitle.format = 1;  // text
        subtitle.end_display_time = static_cast<std::uint32_t>(cue.end_ms - cue.start_ms);
        subtitle.num_rects = 1;
        subtitle.rects = rects;
        subtitle.pts = av_rescale_q(cue.start_ms, kMilliseconds, AV_TIME_BASE_Q);
        buffer.assign(event.size() * 4 + 1024, 0);
        const int size =
            av::check(avcodec_encode_subtitle(encoder_.get(), buffer.data(),
                                              static_cast<int>(buffer.size()), &subtitle),
                      "cannot encode a subtitle");
        av_packet_unref(packet_.get());
        av::check(av_new_packet(packet_.get(), size), "cannot allocate a subtitle packet");
        std::memcpy(packet_->data, buffer.data(), static_cast<std::size_t>(size));
        packet_->pts = cue.start_ms;
        packet_->dts = cue.start_ms;
        packet_->duration = cue.end_ms - cue.start_ms;
        packet_->stream_index = stream_->index;
        av_packet_rescale_ts(packet_.get(), kMilliseconds, stream_->time_base);
        av::check(av_interleaved_write_frame(output_, packet_.get()), "cannot write the subtitles");
    }
}

}  // namespace bgv::video
