// video/av_check: FFmpeg return codes turned into bgv::Error with FFmpeg's own message, and owners
// for the FFmpeg objects the video module allocates (internal to video/).
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}

#include <memory>
#include <string_view>

namespace bgv::video {

// FFmpeg's own chatter (x264's statistics, AAC's Qavg) is not for our users: errors only.
void quiet_ffmpeg_logs();

// Returns `code` when it is >= 0; otherwise throws "<what>: <FFmpeg's message>".
int av_check(int code, std::string_view what);

struct CodecContextDeleter {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
    void operator()(SwsContext* s) const { sws_freeContext(s); }
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
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;
using InputPtr = std::unique_ptr<AVFormatContext, InputDeleter>;
using OutputPtr = std::unique_ptr<AVFormatContext, OutputDeleter>;

// An mp4 output context for `path` with its file opened, bit-exact (no encoder version or time).
OutputPtr open_mp4_output(const char* path);

}  // namespace bgv::video
