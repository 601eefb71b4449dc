// `bigganviz live`: the picture plays with the sound the computer hears (live/live_session); Ctrl-C
// or SIGTERM ends the session cleanly (the recording and the frame log are completed).
#include <fmt/format.h>

#include <atomic>
#include <csignal>

#include "cli/commands.h"
#include "core/error.h"
#include "live/input_list.h"
#include "live/live_session.h"
#include "render/biggan_frames.h"

namespace bgv::cli {

namespace {
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_live_stop_signal(int) {
    stop_requested.store(true);
}

int list_inputs() {
    std::vector<std::string> problems;
    const auto inputs = live::list_audio_inputs(&problems);
    fmt::print("{:<48} {}\n", "--input", "source");
    fmt::print("{:<48} {}\n", "pulse", "PulseAudio's default source (a microphone, or a monitor)");
    for (const auto& input : inputs)
        fmt::print("{:<48} {}{}\n", input.input, input.description,
                   input.is_default ? " (default)" : "");
    fmt::print("{:<48} {}\n", "jack", "JACK (connect its ports after it starts)");
    fmt::print("{:<48} {}\n", "FILE", "an audio file, played and shown in sync");
    for (const auto& problem : problems)
        fmt::print(stderr, "bigganviz: {}\n", problem);
    return 0;
}
}  // namespace

int run_live(const Args& args) {
    if (args.flag("list_inputs"))
        return list_inputs();
    live::LiveOptions o;
    o.render = render::render_options_from(render_values(args));
    if (!o.render.fps)
        o.render.fps = live::kDefaultLiveFps;
    // Text options given or not: their defaults are LiveOptions' own.
    if (args.has("input"))
        o.input = args.text("input");
    o.playback = args.text("playback");
    o.window = !args.flag("no_window");
    o.fullscreen = args.flag("fullscreen");
    o.display = static_cast<int>(args.integer("display"));
    if (args.has("v4l2"))
        o.v4l2 = args.text("v4l2");
    if (args.has("stream"))
        o.stream = args.text("stream");
    if (args.has("record"))
        o.record = args.text("record");
    if (args.has("frame_log"))
        o.frame_log = args.text("frame_log");
    if (args.has("osc"))
        o.osc_port = static_cast<int>(args.integer("osc"));
    if (args.has("osc_host"))
        o.osc_host = args.text("osc_host");
    if (args.has("status_file"))
        o.status_file = args.text("status_file");
    std::signal(SIGINT, on_live_stop_signal);
    std::signal(SIGTERM, on_live_stop_signal);
    live::run_live_session(o, render::biggan_frames_factory(o.render.precision), &stop_requested);
    return 0;
}

}  // namespace bgv::cli
