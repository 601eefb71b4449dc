#include "av/ffmpeg.h"

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

#include <array>
#include <mutex>

#include "core/error.h"

namespace bgv::av {

void quiet_logs() {
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

std::string error_text(int code) {
    std::array<char, AV_ERROR_MAX_STRING_SIZE> text{};
    if (av_strerror(code, text.data(), text.size()) < 0)
        return fmt::format("FFmpeg error {}", code);
    return std::string(text.data());
}

int check(int code, std::string_view what) {
    if (code >= 0)
        return code;
    fail("{}: {}", what, error_text(code));
}

OutputPtr open_output(const char* path, const char* format) {
    quiet_logs();
    AVFormatContext* raw = nullptr;
    check(avformat_alloc_output_context2(&raw, nullptr, format, path),
          fmt::format("cannot make an {} muxer", format));
    OutputPtr output(raw);
    output->flags |= AVFMT_FLAG_BITEXACT;
    check(avio_open(&output->pb, path, AVIO_FLAG_WRITE), std::string("cannot write ") + path);
    return output;
}

void write_encoded_packets(AVCodecContext* encoder, AVPacket* packet, AVFormatContext* output,
                           AVStream* stream, bool flushing, std::string_view what) {
    for (;;) {
        const int status = avcodec_receive_packet(encoder, packet);
        if (status == AVERROR(EAGAIN) || (flushing && status == AVERROR_EOF))
            return;
        check(status, fmt::format("encoding {} failed", what));
        av_packet_rescale_ts(packet, encoder->time_base, stream->time_base);
        packet->stream_index = stream->index;
        check(av_interleaved_write_frame(output, packet), fmt::format("cannot write {}", what));
    }
}

}  // namespace bgv::av
