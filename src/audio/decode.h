// audio/decode: the first audio stream of any file FFmpeg reads, decoded to mono float samples at
// the file's own rate, converted and mixed exactly as librosa.load does before it resamples: a
// section of it handed out chunk by chunk, or collected whole.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "audio/reader.h"

namespace bgv::audio {

// The part of a file to decode: librosa.load's offset and duration, and the longest section a
// command accepts.
struct Section {
    double start_seconds = 0;            // librosa's offset
    std::optional<double> max_seconds;   // librosa's duration: keep at most this much
    std::optional<double> max_duration;  // --max_duration: refuse a longer section
};

// The stream decode_section found, told before the first samples.
struct StreamInfo {
    int sample_rate = 0;
    int channels = 0;
    bool quantised_to_16_bits = false;  // see AudioReader
    // The section's length in frames as the container states or estimates it (0: unknown),
    // for reserving memory; the decode may give more or fewer.
    std::int64_t expected_frames = 0;
};

struct SectionDecoded {
    std::int64_t frames = 0;  // handed to the sink
    int damaged_packets = 0;  // see NativeAudio
    double declared_seconds = 0;
};

// Decodes `section` of the file and hands its samples to `sink` in order, chunk by chunk at the
// native rate, after telling `begin` the stream's format; holds no more than a packet's samples
// itself. With a start, the frames of start_seconds are skipped first (by a seek where that is
// exact); with max_seconds, the first max_seconds are kept, rounded as librosa does (truncated
// for files libsndfile reads, rounded for the audioread path). A section longer than
// max_duration is refused from the container's stated duration before decoding, else as soon as
// the decoded samples pass the limit. Throws bgv::Error naming the file for a missing, empty,
// unreadable or audio-less file, a start at or past the end, or a section over the limit; a
// damaged or truncated file gives the audio before the damage and one warning.
SectionDecoded decode_section(const std::filesystem::path& path, const Section& section,
                              bool keep_channels,
                              const std::function<void(const StreamInfo&)>& begin,
                              const std::function<void(const Chunk&)>& sink);

struct NativeAudio {
    std::vector<float> mono;  // mean of the channels, at sample_rate
    // Every channel, interleaved, unrounded: only when decode_native was asked to keep them
    // (the video's soundtrack).
    std::vector<float> interleaved;
    int sample_rate = 0;
    int channels = 0;
    // True when the samples were quantised to 16 bits as librosa's audioread path does.
    bool quantised_to_16_bits = false;
    // Packets the decoder rejected (a damaged or truncated file); the rest was decoded.
    int damaged_packets = 0;
    // The duration the container states (a WAV header's data size, an mp3's Xing frame count);
    // 0 when it states none or FFmpeg only estimated it from the bit rate, or when decoding
    // stopped before the end. Decoding stopping well short of it means the file was cut (a
    // partial download).
    double declared_seconds = 0;
};

// decode_section collected whole: max_seconds and start_seconds as in Section.
NativeAudio decode_native(const std::filesystem::path& path,
                          std::optional<double> max_seconds = std::nullopt,
                          bool keep_channels = false, double start_seconds = 0);

// Frames librosa keeps for `seconds` of a stream at `sample_rate` (see decode_section).
std::int64_t frames_for_duration(double seconds, int sample_rate, bool audioread_path);

}  // namespace bgv::audio
