// Writes small 16-bit PCM WAV files for the audio tests, so that the exact samples are known.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

namespace bgv::audio::test {

// `interleaved` holds frames of `channels` samples each.
inline void write_wav16(const std::filesystem::path& path, int sample_rate, int channels,
                        const std::vector<std::int16_t>& interleaved) {
    std::ofstream out(path, std::ios::binary);
    const auto u32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i)
            out.put(static_cast<char>((v >> (8 * i)) & 0xff));
    };
    const auto u16 = [&](std::uint16_t v) {
        out.put(static_cast<char>(v & 0xff));
        out.put(static_cast<char>(v >> 8));
    };
    const auto data_bytes = static_cast<std::uint32_t>(interleaved.size() * 2);
    out.write("RIFF", 4);
    u32(36 + data_bytes);
    out.write("WAVEfmt ", 8);
    u32(16);
    u16(1);  // PCM
    u16(static_cast<std::uint16_t>(channels));
    u32(static_cast<std::uint32_t>(sample_rate));
    u32(static_cast<std::uint32_t>(sample_rate * channels * 2));
    u16(static_cast<std::uint16_t>(channels * 2));
    u16(16);
    out.write("data", 4);
    u32(data_bytes);
    for (const std::int16_t sample : interleaved)
        u16(static_cast<std::uint16_t>(sample));
}

}  // namespace bgv::audio::test
