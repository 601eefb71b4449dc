#include "cli/commands.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/log.h"

namespace bgv::cli {

namespace {
const char* kDefaultCommand = "render";

void apply_log_level(const Args& args) {
    if (args.flag("quiet"))
        log::set_level(log::Level::warn);
    if (args.flag("verbose"))
        log::set_level(log::Level::debug);
}

std::string overview() {
    std::string text =
        "bigganviz: turn a song into a music video with BigGAN-deep\n\n"
        "usage: bigganviz [COMMAND] [options]   (COMMAND defaults to render)\n\ncommands:\n";
    for (const auto& command : commands()) {
        text += fmt::format("  {:<10} {}\n", command.name, command.summary);
    }
    text += "\n`bigganviz COMMAND --help` lists a command's options, defaults and ranges.\n";
    return text;
}
}  // namespace

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"render",
         "make a music video from a song (the default command)",
         {"song",
          "resolution",
          "duration",
          "pitch_sensitivity",
          "tempo_sensitivity",
          "classes",
          "num_classes",
          "jitter",
          "frame_length",
          "truncation",
          "smooth_factor",
          "batch_size",
          "output_file",
          "use_last_vectors",
          "use_last_classes",
          "sort_by_power",
          "lyrics",
          "encoding",
          "encoding_strategy",
          "seed",
          "weights",
          "threads",
          "precision",
          "aspect",
          "widen",
          "size",
          "fit",
          "codec",
          "pix_fmt",
          "crf",
          "burn_subtitles",
          "subtitle_font",
          "subtitle_size",
          "subtitle_position",
          "segment_frames",
          "text_weights",
          "fps",
          "start",
          "max_duration",  // a song longer than this is refused before it is decoded
          "choreography",
          "pulse",
          "offbeat",
          "pulse_decay",
          "motion",
          "class_smooth",
          "shuffle_bars",
          "shard",
          "verbose",
          "quiet",
          "help"},
         run_render},
        {.name = "analyze",
         .summary = "save a song's features (mel, chroma, power, gradient) and a picture of them",
         .options = {"song", "frame_length", "duration", "fps", "start", "max_duration", "out",
                     "verbose", "quiet", "help"},
         .run = run_analyze},
        {.name = "classes",
         .summary = "the ImageNet classes a lyrics file picks (plain, LRC or SRT), with their "
                    "similarities and, for timed lyrics, the class of each line",
         .options = {"lyrics", "num_classes", "encoding_strategy", "encoding", "seed",
                     "text_weights", "threads", "json", "verbose", "quiet", "help"},
         .run = run_classes},
        {.name = "models",
         .summary = "the model store: list the known models, fetch one into the cache, print its "
                    "folder, verify the cached files' hashes",
         .options = {"json", "verbose", "quiet", "help"},
         .run = run_models,
         .words = "list | fetch NAME... | path NAME | verify [NAME...]"},
        {"generate",
         "images from the generator for given noise/class vectors, or for classes",
         {"weights", "model", "noise", "class_vector", "classes", "count", "seed", "truncation",
          "out", "aspect", "widen", "threads", "precision", "verbose", "quiet", "help"},
         run_generate},
        {.name = "live",
         .summary = "the picture plays with the sound the computer hears (a capture device, or a "
                    "file played in sync), in a window, a recording, a stream or a camera device",
         .options = {"input",
                     "list_inputs",
                     "playback",
                     "resolution",
                     "weights",
                     "fps",
                     "duration",
                     "choreography",
                     "classes",
                     "num_classes",
                     "seed",
                     "truncation",
                     "pitch_sensitivity",
                     "tempo_sensitivity",
                     "jitter",
                     "smooth_factor",
                     "pulse",
                     "offbeat",
                     "pulse_decay",
                     "motion",
                     "class_smooth",
                     "shuffle_bars",
                     "no_window",
                     "fullscreen",
                     "display",
                     "v4l2",
                     "stream",
                     "record",
                     "frame_log",
                     "osc",
                     "osc_host",
                     "status_file",
                     "threads",
                     "precision",
                     "verbose",
                     "quiet",
                     "help"},
         .run = run_live},
        {.name = "studio",
         .summary = "a web page on this machine to try songs, classes and looks, preview, and "
                    "queue renders (prints its address)",
         .options = {"dir", "host", "port", "token", "max_upload", "max_duration", "weights",
                     "text_weights", "threads", "live_status", "verbose", "quiet", "help"},
         .run = run_studio},
    };
    return table;
}

const Command& command_named(std::string_view name) {
    for (const auto& command : commands()) {
        if (command.name == name)
            return command;
    }
    throw Error(fmt::format("internal: no command named '{}'", name));
}

int dispatch(std::span<const std::string> arguments) {
    if (arguments.empty() || arguments[0] == "--help" || arguments[0] == "-h" ||
        arguments[0] == "help") {
        fmt::print("{}", overview());
        return 0;
    }
    if (arguments[0] == "--version") {
        fmt::print("bigganviz {}\n", BGV_VERSION);
        return 0;
    }
    const Command* chosen = nullptr;
    std::span<const std::string> rest = arguments;
    for (const auto& command : commands()) {
        if (command.name == arguments[0]) {
            chosen = &command;
            rest = arguments.subspan(1);
        }
    }
    if (chosen == nullptr) {
        if (!arguments[0].starts_with("-")) {
            fail_usage("unknown command '{}' (see `bigganviz --help`)", arguments[0]);
        }
        for (const auto& command : commands()) {
            if (command.name == kDefaultCommand)
                chosen = &command;
        }
        if (chosen == nullptr)
            fail_usage("rendering is not available in this build yet");
    }
    const Args args = parse_args(rest, chosen->options, chosen->name, !chosen->words.empty());
    if (args.flag("help")) {
        fmt::print("{}", help_text(chosen->name, chosen->summary, chosen->options, chosen->words));
        return 0;
    }
    apply_log_level(args);
    return chosen->run(args);
}

}  // namespace bgv::cli
