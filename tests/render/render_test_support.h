// Helpers of the render tests: running ffprobe/ffmpeg on a video, temporary folders.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

// Where two decoded videos of `frame_bytes` per frame part, for failure messages.
inline std::string first_difference(const std::string& a, const std::string& b,
                                    std::size_t frame_bytes) {
    std::size_t at = 0;
    while (at < a.size() && at < b.size() && a[at] == b[at])
        ++at;
    return "sizes " + std::to_string(a.size() / frame_bytes) + " and " +
           std::to_string(b.size() / frame_bytes) + " frames, first difference in frame " +
           std::to_string(at / frame_bytes);
}

inline double seconds(const nlohmann::json& stream) {
    return std::stod(stream.at("duration").get<std::string>());
}

// Waits for `pid`; its exit code, or 128 + the signal that killed it.
inline int wait_exit_code(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace bgv::test
