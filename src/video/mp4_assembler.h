// video/mp4_assembler: the finished video: the pieces written by SegmentWriter joined by stream
// copy, renumbered frame by frame, in the output's container (mp4, mov or Matroska), with the
// song's audio (audio_codec(): AAC, PCM or FLAC) and lyrics as a soft subtitle track beside them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "video/segment_writer.h"
#include "video/subtitles.h"

namespace bgv::video {

struct AudioTrack {
    std::span<const float> samples;  // interleaved, `channels` per sample time, in [-1, 1]
    int sample_rate = 44100;
    int channels = 1;
};

// Writes `path` (the caller renames it into place) in settings.format.container, whatever its
// name. Fails when the pieces hold other than `expected_frames` frames in all, or were not
// encoded alike. The audio is written as given: cut it to the video's length before. `subtitles`
// (times from the first frame): a soft track, mov_text in mp4/mov and SubRip in Matroska, cues
// cut at the video's end; empty: no track.
void assemble_video(std::span<const std::filesystem::path> segments,
                    const EncoderSettings& settings, std::int64_t expected_frames,
                    const AudioTrack& audio, std::span<const SubtitleCue> subtitles,
                    const std::filesystem::path& path);

// assemble_video without subtitles (what render/ called before subtitle tracks existed).
void assemble_mp4(std::span<const std::filesystem::path> segments, const EncoderSettings& settings,
                  std::int64_t expected_frames, const AudioTrack& audio,
                  const std::filesystem::path& path);

}  // namespace bgv::video
