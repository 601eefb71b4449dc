// live/live_options: what `bigganviz live` is asked for: the render options it shares with file
// renders (model, frame rate, choreography, classes, look: render/'s option table) and its own
// (where the sound comes from, where the picture goes, control and logs).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "render/options.h"

namespace bgv::live {

struct LiveOptions {
    // render.fps unset: kDefaultLiveFps; render.duration (-d): the session stops after it.
    render::RenderOptions render;
    std::string input =
        "pulse";  // --input: a device (pulse, pulse:NAME, alsa:hw:1, jack) or a file
    std::string playback =
        "pulse";         // a file input is played here ("none": silent, paced by the clock)
    bool window = true;  // --no_window turns it off
    bool fullscreen = false;
    int display = 0;
    int window_size = 768;
    std::optional<std::string> v4l2;              // --v4l2 /dev/videoN
    std::optional<std::string> stream;            // --stream srt://... udp://... rtmp://...
    std::optional<std::filesystem::path> record;  // --record FILE.mp4
    std::optional<std::filesystem::path> frame_log;
    std::optional<int> osc_port;  // --osc PORT
    std::string osc_host = "127.0.0.1";
    // Where the session says where it is (its OSC port, its status, twice a second), for the
    // studio's Live panel: docs/live.md.
    std::optional<std::filesystem::path> status_file;
};

inline constexpr FrameRate kDefaultLiveFps{24, 1};

// Checks what render::check_options does not (the input, the frame rate live mode supports, the
// outputs' combinations): UsageError in one line.
void check_live_options(const LiveOptions& options);

}  // namespace bgv::live
