// Live tests' support: what ffprobe and ffmpeg read back from a recording or a stream.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.h"

namespace bgv::test {

// ffprobe's description of the file's streams, frames counted by decoding.
inline nlohmann::json probe_streams(const std::filesystem::path& file) {
    const std::string out =
        run_output("ffprobe -v error -count_frames -show_streams -of json '" + file.string() + "'");
    return nlohmann::json::parse(out, nullptr, false);
}

// The video decoded to RGB24, frames one after the other, as stored (no frame repeated or
// dropped to make a constant rate).
inline std::string decoded_rgb(const std::filesystem::path& file) {
    return run_output("ffmpeg -v error -i '" + file.string() +
                      "' -map 0:v -fps_mode passthrough -f rawvideo -pix_fmt rgb24 -");
}

// The audio decoded to float mono at `rate`, from time 0 of the file on (an AAC track starts
// with the encoder's priming at negative times, which a player skips; -copyts keeps ffmpeg from
// shifting them to 0).
inline std::vector<float> decoded_audio(const std::filesystem::path& file, int rate) {
    const std::string raw = run_output("ffmpeg -v error -copyts -i '" + file.string() +
                                       "' -map 0:a -af atrim=start=0 -f f32le -ac 1 -ar " +
                                       std::to_string(rate) + " -");
    std::vector<float> samples(raw.size() / sizeof(float));
    std::memcpy(samples.data(), raw.data(), samples.size() * sizeof(float));
    return samples;
}

// Mean of each channel of frame `index` in `rgb` (frames of width x height).
inline std::array<double, 3> mean_colour(const std::string& rgb, int width, int height,
                                         std::size_t index) {
    const std::size_t size = static_cast<std::size_t>(width) * height * 3;
    std::array<double, 3> sum{};
    for (std::size_t i = 0; i < size; ++i)
        sum[i % 3] += static_cast<unsigned char>(rgb[index * size + i]);
    for (auto& s : sum)
        s /= static_cast<double>(width) * height;
    return sum;
}

}  // namespace bgv::test
