// audio/decode: the first audio stream of any file FFmpeg reads, decoded to mono float samples at
// the file's own rate, converted and mixed exactly as librosa.load does before it resamples.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

namespace bgv::audio {

struct NativeAudio {
    std::vector<float> mono;  // mean of the channels, at sample_rate
    // Every channel, interleaved, unrounded: only when decode_native was asked to keep them
    // (the video's soundtrack).
    std::vector<float> interleaved;
    int sample_rate = 0;
    int channels = 0;
    // True when librosa would read this file through audioread's 16-bit ffmpeg pipe (containers
    // libsndfile cannot open: m4a, video...): the samples were then quantised to 16 bits as it
    // does.
    bool quantised_to_16_bits = false;
    // Packets the decoder rejected (a damaged or truncated file); the rest was decoded.
    int damaged_packets = 0;
    // The duration the container states (a WAV header's data size, an mp3's Xing frame count);
    // 0 when it states none or FFmpeg only estimated it from the bit rate. Decoding stopping
    // well short of it means the file was cut (a partial download).
    double declared_seconds = 0;
};

// Throws bgv::Error naming the file for a missing, empty, unreadable or audio-less file. With
// max_seconds, keeps only the first max_seconds at the native rate, rounded as librosa does
// (truncated for files libsndfile reads, rounded for the audioread path). With start_seconds
// (librosa's offset), the frames of start_seconds are skipped first; a start at or past the end
// is an error.
NativeAudio decode_native(const std::filesystem::path& path,
                          std::optional<double> max_seconds = std::nullopt,
                          bool keep_channels = false, double start_seconds = 0);

// Frames librosa keeps for `seconds` of a stream at `sample_rate` (see decode_native).
std::int64_t frames_for_duration(double seconds, int sample_rate, bool audioread_path);

}  // namespace bgv::audio
