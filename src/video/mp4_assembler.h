// video/mp4_assembler: the finished video: the pieces written by SegmentWriter joined by stream
// copy, renumbered frame by frame, in the output's container (mp4, mov or Matroska), with the
// song's audio (audio_codec(): AAC, PCM or FLAC) and lyrics as a soft subtitle track beside them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>

#include "video/segment_writer.h"
#include "video/subtitles.h"

namespace bgv::video {

// The soundtrack, pulled in order a block at a time, so that an hour's song is never held whole.
struct AudioTrack {
    int sample_rate = 44100;
    int channels = 1;
    // Copies the next sample times (every channel, interleaved, in [-1, 1]) into `into`, whose size
    // is a multiple of `channels`, and returns how many it copied: fewer than asked only at the
    // end.
    std::function<std::size_t(std::span<float> into)> read;

    // A track of samples held in memory (interleaved); they must outlive the track.
    static AudioTrack of_samples(std::span<const float> samples, int sample_rate, int channels);
};

// Writes `path` (the caller renames it into place) in settings.format.container, whatever its
// name. Fails when the pieces hold other than `expected_frames` frames in all, or were not
// encoded alike. The audio is written as `audio.read` gives it: cut it to the video's length there.
// `subtitles` (times from the first frame): a soft track, mov_text in mp4/mov and SubRip in
// Matroska, cues cut at the video's end; empty: no track.
void assemble_video(std::span<const std::filesystem::path> segments,
                    const EncoderSettings& settings, std::int64_t expected_frames,
                    const AudioTrack& audio, std::span<const SubtitleCue> subtitles,
                    const std::filesystem::path& path);

// assemble_video without subtitles (what render/ called before subtitle tracks existed).
void assemble_mp4(std::span<const std::filesystem::path> segments, const EncoderSettings& settings,
                  std::int64_t expected_frames, const AudioTrack& audio,
                  const std::filesystem::path& path);

}  // namespace bgv::video
