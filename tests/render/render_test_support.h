// Helpers of the render tests: running ffprobe/ffmpeg on a video, temporary folders.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/process.h"

namespace bgv::test {

namespace fs = std::filesystem;

inline fs::path fresh_dir(const std::string& name) {
    return fresh_temp_dir("render_" + name);
}

inline fs::path render_data() {
    return fs::path(BGV_TEST_DATA) / "render/data";
}

// The video's stream descriptions, frames counted by decoding.
struct Probe {
    nlohmann::json video, audio;
};

inline Probe probe(const fs::path& file) {
    const auto json = nlohmann::json::parse(run_output(
        "ffprobe -v error -count_frames -show_streams -of json '" + file.string() + "'"));
    Probe p;
    for (const auto& s : json.at("streams")) {
        if (s.at("codec_type") == "video")
            p.video = s;
        if (s.at("codec_type") == "audio")
            p.audio = s;
    }
    return p;
}

// Every frame decoded to RGB24, concatenated.
inline std::string decode_rgb(const fs::path& file) {
    return run_output("ffmpeg -v error -i '" + file.string() + "' -f rawvideo -pix_fmt rgb24 -");
}

inline double seconds(const nlohmann::json& stream) {
    return std::stod(stream.at("duration").get<std::string>());
}

}  // namespace bgv::test
