// video/mp4_assembler: the finished video: the pieces written by SegmentWriter joined by stream
// copy, renumbered frame by frame, with the song's audio encoded as AAC beside them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "video/segment_writer.h"

namespace bgv::video {

struct AudioTrack {
    std::span<const float> samples;  // interleaved, `channels` per sample time, in [-1, 1]
    int sample_rate = 44100;
    int channels = 1;
};

// Writes `path` (the caller renames it into place). Fails when the pieces hold other than
// `expected_frames` frames in all, or were not encoded alike. The audio is written as given: cut
// it to the video's length before.
void assemble_mp4(std::span<const std::filesystem::path> segments, const EncoderSettings& settings,
                  std::int64_t expected_frames, const AudioTrack& audio,
                  const std::filesystem::path& path);

}  // namespace bgv::video
