// Helpers of the render tests: running ffprobe/ffmpeg on a video, temporary folders.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace bgv::test {

namespace fs = std::filesystem;

inline std::string run_output(const std::string& command) {
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
        return output;
    char buffer[65536];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        output.append(buffer, n);
    ::pclose(pipe);
    return output;
}

inline fs::path fresh_dir(const std::string& name) {
    const fs::path dir =
        fs::temp_directory_path() / ("bgv_test_render_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
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
