#include "video/av_check.h"

#include <mutex>
#include <string>

#include "core/error.h"

namespace bgv::video {

void quiet_ffmpeg_logs() {
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_level(AV_LOG_ERROR); });
}

int av_check(int code, std::string_view what) {
    if (code >= 0)
        return code;
    char message[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, message, sizeof message);
    fail("{}: {}", what, message);
}

OutputPtr open_mp4_output(const char* path) {
    quiet_ffmpeg_logs();
    AVFormatContext* raw = nullptr;
    av_check(avformat_alloc_output_context2(&raw, nullptr, "mp4", path),
             "cannot make an mp4 muxer");
    OutputPtr output(raw);
    output->flags |= AVFMT_FLAG_BITEXACT;
    av_check(avio_open(&output->pb, path, AVIO_FLAG_WRITE), std::string("cannot write ") + path);
    return output;
}

}  // namespace bgv::video
