// Test-only reader for the 16-bit PCM mono WAV fixtures at 22050 Hz, as soundfile gives them to
// librosa (int16 / 32768), so that features/ can be checked without the audio module.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "core/file.h"

namespace bgv::features::testing {

inline std::vector<float> read_pcm16_mono_wav(const std::filesystem::path& path) {
    const auto bytes = read_file_bytes(path);
    auto u16 = [&](std::size_t at) {
        return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[at]) |
                                          (static_cast<unsigned char>(bytes[at + 1]) << 8));
    };
    auto u32 = [&](std::size_t at) {
        return static_cast<std::uint32_t>(u16(at)) |
               (static_cast<std::uint32_t>(u16(at + 2)) << 16);
    };
    if (bytes.size() < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0 ||
        std::memcmp(bytes.data() + 8, "WAVE", 4) != 0) {
        throw std::runtime_error("not a WAV file: " + path.string());
    }
    std::size_t at = 12;
    while (at + 8 <= bytes.size()) {
        const std::uint32_t size = u32(at + 4);
        if (std::memcmp(bytes.data() + at, "fmt ", 4) == 0) {
            if (u16(at + 8) != 1 || u16(at + 10) != 1 || u16(at + 22) != 16) {
                throw std::runtime_error("not 16-bit PCM mono: " + path.string());
            }
        } else if (std::memcmp(bytes.data() + at, "data", 4) == 0) {
            std::vector<float> samples(size / 2);
            for (std::size_t i = 0; i < samples.size(); ++i) {
                const auto raw = static_cast<std::int16_t>(u16(at + 8 + 2 * i));
                samples[i] = static_cast<float>(raw) / 32768.0F;
            }
            return samples;
        }
        at += 8 + size + (size & 1);
    }
    throw std::runtime_error("no data chunk: " + path.string());
}

}  // namespace bgv::features::testing
