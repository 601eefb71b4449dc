#include "studio/song_section.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "audio/decode.h"
#include "core/error.h"
#include "core/file.h"

namespace bgv::studio {

namespace {
void put_u32(std::string& out, std::uint32_t value) {
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xffu));
}

void put_u16(std::string& out, std::uint16_t value) {
    out.push_back(static_cast<char>(value & 0xffu));
    out.push_back(static_cast<char>(value >> 8));
}
}  // namespace

void write_song_section(const std::filesystem::path& song, double start, double seconds,
                        const std::filesystem::path& wav) {
    const audio::NativeAudio audio = audio::decode_native(song, start + seconds, true);
    const auto channels = static_cast<std::size_t>(audio.channels);
    const auto first = static_cast<std::size_t>(std::llround(start * audio.sample_rate));
    const std::size_t frames = audio.interleaved.size() / channels;
    if (first >= frames)
        fail("the song ends before {} s", start);
    const std::size_t count = frames - first;
    const auto data_bytes = static_cast<std::uint32_t>(count * channels * sizeof(float));
    // RIFF/WAVE, format 3 (IEEE float), 32 bits per sample, little-endian.
    std::string bytes = "RIFF";
    put_u32(bytes, 36 + data_bytes);
    bytes += "WAVEfmt ";
    put_u32(bytes, 16);
    put_u16(bytes, 3);
    put_u16(bytes, static_cast<std::uint16_t>(channels));
    put_u32(bytes, static_cast<std::uint32_t>(audio.sample_rate));
    put_u32(bytes, static_cast<std::uint32_t>(audio.sample_rate * channels * sizeof(float)));
    put_u16(bytes, static_cast<std::uint16_t>(channels * sizeof(float)));
    put_u16(bytes, 32);
    bytes += "data";
    put_u32(bytes, data_bytes);
    const float* samples = audio.interleaved.data() + first * channels;
    for (std::size_t i = 0; i < count * channels; ++i) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &samples[i], sizeof bits);
        put_u32(bytes, bits);
    }
    write_file_atomic(wav, bytes);
}

}  // namespace bgv::studio
