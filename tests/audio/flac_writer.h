// Writes a FLAC file of digital silence of any length in a blink (every frame one CONSTANT
// subframe per channel, a few bytes), so that tests can hand the decoder hours of audio that
// occupy megabytes, as a hostile upload would.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace bgv::audio::test {

namespace flac_detail {

// The CRCs of a FLAC frame: CRC-8 (polynomial 0x07) over the header, CRC-16 (0x8005) over the
// whole frame, both from 0, most significant bit first.
inline std::uint8_t crc8(const std::string& bytes) {
    std::uint8_t crc = 0;
    for (const char c : bytes) {
        crc ^= static_cast<std::uint8_t>(c);
        for (int bit = 0; bit < 8; ++bit)
            crc = static_cast<std::uint8_t>((crc & 0x80) != 0 ? (crc << 1) ^ 0x07 : crc << 1);
    }
    return crc;
}

inline std::uint16_t crc16(const std::string& bytes) {
    std::uint16_t crc = 0;
    for (const char c : bytes) {
        crc ^= static_cast<std::uint16_t>(static_cast<std::uint8_t>(c) << 8);
        for (int bit = 0; bit < 8; ++bit)
            crc = static_cast<std::uint16_t>((crc & 0x8000) != 0 ? (crc << 1) ^ 0x8005 : crc << 1);
    }
    return crc;
}

// FLAC's "UTF-8" coding of a frame number (up to 31 bits).
inline std::string coded_number(std::uint32_t n) {
    std::string out;
    if (n < 0x80) {
        out += static_cast<char>(n);
        return out;
    }
    int continuation = n < 0x800 ? 1 : n < 0x10000 ? 2 : n < 0x200000 ? 3 : n < 0x4000000 ? 4 : 5;
    const std::uint8_t lead_marks[] = {0, 0xC0, 0xE0, 0xF0, 0xF8, 0xFC};
    out += static_cast<char>(lead_marks[continuation] | (n >> (6 * continuation)));
    for (int i = continuation - 1; i >= 0; --i)
        out += static_cast<char>(0x80 | ((n >> (6 * i)) & 0x3F));
    return out;
}

}  // namespace flac_detail

// `blocks` frames of 4096 samples of 16-bit silence at `sample_rate` (below 655350 Hz) on
// `channels` channels (1 to 8); STREAMINFO states the total, as a real encoder's does.
inline void write_silent_flac(const std::filesystem::path& path, int sample_rate, int channels,
                              std::uint32_t blocks) {
    constexpr int kBlock = 4096;
    std::string out = "fLaC";
    out += static_cast<char>(0x80);  // last metadata block, STREAMINFO
    out += std::string{0, 0, 34};
    std::vector<std::uint8_t> info(34, 0);
    info[0] = kBlock >> 8;  // minimum and maximum block size
    info[2] = kBlock >> 8;
    const std::uint64_t total = static_cast<std::uint64_t>(blocks) * kBlock;
    // 20 bits rate, 3 bits channels - 1, 5 bits bits-per-sample - 1, 36 bits total samples.
    const std::uint64_t packed = (static_cast<std::uint64_t>(sample_rate) << 44) |
                                 (static_cast<std::uint64_t>(channels - 1) << 41) |
                                 (static_cast<std::uint64_t>(15) << 36) | total;
    for (int i = 0; i < 8; ++i)
        info[10 + i] = static_cast<std::uint8_t>(packed >> (56 - 8 * i));
    out.append(info.begin(), info.end());  // the MD5 (bytes 18..33) is left 0: "not computed"
    std::ofstream file(path, std::ios::binary);
    file.write(out.data(), static_cast<std::streamsize>(out.size()));
    for (std::uint32_t n = 0; n < blocks; ++n) {
        // Sync, fixed block size; 4096 samples (code 12), rate from STREAMINFO (0); independent
        // channels; 16 bits; then the frame number and the header's CRC-8.
        std::string frame = {static_cast<char>(0xFF), static_cast<char>(0xF8),
                             static_cast<char>(0xC0),
                             static_cast<char>(((channels - 1) << 4) | (4 << 1))};
        frame += flac_detail::coded_number(n);
        frame += static_cast<char>(flac_detail::crc8(frame));
        for (int c = 0; c < channels; ++c)
            frame += std::string{0, 0, 0};  // CONSTANT subframe (type 0) with the value 0
        const std::uint16_t crc = flac_detail::crc16(frame);
        frame += static_cast<char>(crc >> 8);
        frame += static_cast<char>(crc & 0xFF);
        file.write(frame.data(), static_cast<std::streamsize>(frame.size()));
    }
}

}  // namespace bgv::audio::test
