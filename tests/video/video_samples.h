// Test support for video/: moving test pictures of any shape, pieces written from them and joined,
// and what ffprobe / ffmpeg say about the result. Header-only, for the tests in tests/video.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.h"
#include "video/mp4_assembler.h"
#include "video/segment_writer.h"

namespace bgv::test {

// A smooth picture that moves with the frame index: what a generator's frames look like to an
// encoder. RGB24, rows top to bottom.
inline std::vector<std::uint8_t> picture(int width, int height, int index) {
    std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width) * height * 3);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            auto* p = &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
            p[0] = static_cast<std::uint8_t>(128 + 100 * std::sin((x + 2 * index) * 0.05));
            p[1] = static_cast<std::uint8_t>(128 + 100 * std::cos((y - index) * 0.06));
            p[2] = static_cast<std::uint8_t>((x + y + 3 * index) % 256 / 2 + 60);
        }
    }
    return rgb;
}

inline video::EncoderSettings settings_for(int width, int height) {
    video::EncoderSettings settings;
    settings.width = width;
    settings.height = height;
    settings.frame_rate_num = 22050;
    settings.frame_rate_den = 2048;
    return settings;
}

// Frames [first, first + count) of picture() as one piece.
inline void write_piece(const std::filesystem::path& path, const video::EncoderSettings& settings,
                        int first, int count, int max_frames = 8) {
    video::SegmentWriter writer(path, settings, max_frames, first);
    for (int i = 0; i < count; ++i)
        writer.add_frame(picture(settings.width, settings.height, first + i));
    writer.finish();
}

// A 440 Hz tone, `channels` interleaved, `samples` per channel.
inline std::vector<float> tone(std::size_t samples, int rate, int channels) {
    std::vector<float> audio(samples * static_cast<std::size_t>(channels));
    for (std::size_t i = 0; i < samples; ++i)
        for (int c = 0; c < channels; ++c)
            audio[i * channels + c] =
                0.5f * static_cast<float>(std::sin(i * 2 * M_PI * 440 / rate));
    return audio;
}

inline double frame_seconds(const video::EncoderSettings& settings) {
    return static_cast<double>(settings.frame_rate_den) / settings.frame_rate_num;
}

// `frames` frames of picture() in pieces of up to 8, joined into `out` with a stereo tone as
// long as the video (the render cuts the song so), and `subtitles`.
inline void render_video(const std::filesystem::path& dir, const video::EncoderSettings& settings,
                         int frames, const std::filesystem::path& out,
                         std::span<const video::SubtitleCue> subtitles = {}) {
    std::vector<std::filesystem::path> pieces;
    const std::string extension(video::piece_extension(settings.format.codec));
    for (int first = 0; first < frames; first += 8) {
        pieces.push_back(dir / ("segment_" + std::to_string(first) + extension));
        write_piece(pieces.back(), settings, first, std::min(8, frames - first));
    }
    const auto samples =
        static_cast<std::size_t>(std::llround(frames * frame_seconds(settings) * 44100));
    const auto audio = tone(samples, 44100, 2);
    video::assemble_video(pieces, settings, frames, video::AudioTrack::of_samples(audio, 44100, 2),
                          subtitles, out);
}

inline nlohmann::json probe(const std::filesystem::path& file) {
    return nlohmann::json::parse(
        run_output("ffprobe -v error -count_frames -show_streams "
                   "-show_format -of json '" +
                   file.string() + "'"));
}

inline nlohmann::json stream_of(const nlohmann::json& probed, const std::string& type) {
    for (const auto& s : probed["streams"])
        if (s["codec_type"] == type)
            return s;
    return nullptr;
}

// Every frame decoded to RGB24 (FFmpeg's conversion of the stream's own colour tags).
inline std::string decode_rgb(const std::filesystem::path& file) {
    return run_output("ffmpeg -v error -i '" + file.string() + "' -f rawvideo -pix_fmt rgb24 -");
}

// Fills memory that the next allocations will reuse with 0xFF bytes (NaN as floats): chunks of
// many sizes, written and freed. Freeing one large mapped chunk first makes glibc serve later
// large requests from the heap, as it does in a render that has freed big tensors.
inline void leave_garbage_on_the_heap() {
    // The compiler may drop writes to memory that is freed next, and a malloc freed unused; the
    // empty asm statements say the memory is read.
    void* large = std::malloc(16 << 20);
    asm volatile("" : : "r"(large) : "memory");
    std::free(large);
    std::vector<void*> chunks;
    for (std::size_t size = 16; size <= (1 << 20); size = size * 5 / 4 + 16) {
        for (int i = 0; i < 2; ++i) {
            void* chunk = std::malloc(size);
            std::memset(chunk, 0xFF, size);
            asm volatile("" : : "r"(chunk) : "memory");
            chunks.push_back(chunk);
        }
    }
    for (void* chunk : chunks)
        std::free(chunk);
}
}  // namespace bgv::test
