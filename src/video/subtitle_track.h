// video/subtitle_track: timed text as a soft subtitle stream of the assembled video (mov_text in
// mp4 and mov, SubRip in Matroska), written in time order between the video's packets.
#pragma once

extern "C" {
#include <libavformat/avformat.h>
}

#include <cstdint>
#include <span>
#include <vector>

#include "av/ffmpeg.h"
#include "video/delivery.h"
#include "video/output_format.h"
#include "video/subtitles.h"

namespace bgv::video {

class SubtitleTrack {
  public:
    // Adds the stream to `output` (before its header is written). Cues are cut to the video's
    // `video_seconds`; cues starting at or after it are left out. Times are kept to the
    // millisecond (the track's time base).
    SubtitleTrack(AVFormatContext* output, Container container, std::span<const SubtitleCue> cues,
                  double video_seconds);

    // Writes every cue that starts before `seconds`.
    void write_until(double seconds);
    // Writes the rest.
    void finish();

  private:
    void write_before(std::int64_t end_ms);

    AVFormatContext* output_;
    AVStream* stream_ = nullptr;
    av::CodecContextPtr encoder_;
    av::PacketPtr packet_;
    struct Timed {
        std::int64_t start_ms = 0, end_ms = 0;
        std::string text;
    };
    std::vector<Timed> cues_;
    std::size_t next_ = 0;
};

}  // namespace bgv::video
