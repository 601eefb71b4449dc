// av/ffmpeg: the FFmpeg glue shared by audio/ (decoding) and video/ (encoding, muxing): FFmpeg's
// return codes as bgv::Error, owners for FFmpeg objects, and the one log level bigganviz sets.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

#include <memory>
#include <string>
#include <string_view>

namespace bgv::av {

// FFmpeg's own chatter (x264's statistics, decoder complaints) is not for our users: bigganviz
// reports every failure itself, once, from the return codes. Called by every opener below.
void quiet_logs();

// FFmpeg's message for a negative return code.
std::string error_text(int code);

// Returns `code` when it is >= 0; otherwise throws "<what>: <FFmpeg's message>".
int check(int code, std::string_view what);

struct CodecContextDeleter {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct InputDeleter {
    void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
// An output context, its file closed too.
struct OutputDeleter {
    void operator()(AVFormatContext* f) const {
        if (f->pb != nullptr && (f->oformat->flags & AVFMT_NOFILE) == 0)
            avio_closep(&f->pb);
        avformat_free_context(f);
    }
};

using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using InputPtr = std::unique_ptr<AVFormatContext, InputDeleter>;
using OutputPtr = std::unique_ptr<AVFormatContext, OutputDeleter>;

// An output context of FFmpeg's muxer `format` ("mp4", "mov", "matroska") for `path` with its file
// opened, bit-exact (no encoder version, time or random identifiers).
OutputPtr open_output(const char* path, const char* format);

// Writes every packet `encoder` has ready to `stream` of `output`; with `flushing` (after a null
// frame was sent) until the encoder is empty. `what` names the stream in errors ("the H.264
// video").
void write_encoded_packets(AVCodecContext* encoder, AVPacket* packet, AVFormatContext* output,
                           AVStream* stream, bool flushing, std::string_view what);

}  // namespace bgv::av
