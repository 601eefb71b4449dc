// The command line's spellings: the original tool's short flags for render options (the options
// themselves are render/'s table), and the options of bigganviz's other subcommands.
#include <algorithm>
#include <map>

#include "cli/options.h"
#include "core/assert.h"
#include "render/options.h"

namespace bgv::cli {

namespace {
using T = render::OptionType;

// Options no render takes: those of analyze, generate, models, studio and of every command.
const std::vector<render::OptionDef>& command_line_options() {
    static const std::vector<render::OptionDef> table = {
        {.name = "out", .metavar = "PATH", .help = "output folder or file"},
        {.name = "noise", .metavar = "FILE", .help = "noise vectors z, (B,128) .npy"},
        {.name = "class_vector", .metavar = "FILE", .help = "class vectors y, (B,1000) .npy"},
        {.name = "count",
         .type = T::integer,
         .metavar = "K",
         .default_text = "1",
         .min = 1,
         .max = 10000,
         .help = "images per class"},
        {.name = "model",
         .metavar = "NAME",
         .help = "model name in the store (see `bigganviz models list`)"},
        {.name = "shard",
         .metavar = "I/N",
         .help = "this process is shard I of N sharing one render through the output's folder "
                 "(mpirun and Slurm arrays are found without it; see docs/cluster.md)"},
        {.name = "json", .type = T::flag, .help = "print JSON"},
        {.name = "dir",
         .metavar = "DIR",
         .default_text = "~/.local/share/bigganviz/studio",
         .help = "the studio's folder: uploaded songs, renders and their state"},
        {.name = "host",
         .metavar = "ADDRESS",
         .default_text = "127.0.0.1",
         .help = "address to listen on; any other than loopback needs --token"},
        {.name = "port",
         .type = T::integer,
         .metavar = "N",
         .default_text = "0",
         .min = 0,
         .max = 65535,
         .help = "port to listen on (0 = a free one)"},
        {.name = "token",
         .metavar = "TOKEN",
         .help = "secret every API call must carry (generated and printed for another --host)"},
        {.name = "max_upload",
         .metavar = "SIZE",
         .default_text = "200MB",
         .help = "largest song upload accepted (bytes, or with KB, MB, GB)"},
        {.name = "input",
         .metavar = "SOURCE",
         .default_text = "pulse",
         .help = "live: where the sound comes from: pulse, pulse:NAME (NAME.monitor: what this "
                 "computer plays), alsa:hw:1, jack, or an audio file (played and shown in sync)"},
        {.name = "list_inputs", .type = T::flag, .help = "live: list the sound sources and stop"},
        {.name = "playback",
         .type = T::choice,
         .metavar = "OUTPUT",
         .default_text = "pulse",
         .choices = {"pulse", "alsa", "none"},
         .help = "live: where a file --input is played (none: silent, paced by the clock)"},
        {.name = "no_window", .type = T::flag, .help = "live: no window (record, stream or v4l2)"},
        {.name = "fullscreen", .type = T::flag, .help = "live: the window fills the display"},
        {.name = "display",
         .type = T::integer,
         .metavar = "N",
         .default_text = "0",
         .min = 0,
         .max = 16,
         .help = "live: the display the window opens on (a projector)"},
        {.name = "v4l2",
         .metavar = "DEVICE",
         .help = "live: also write to a v4l2loopback device, a camera OBS and video calls see"},
        {.name = "stream",
         .metavar = "URL",
         .help = "live: also stream (srt://, udp://, rtmp://; x264 zerolatency)"},
        {.name = "record",
         .metavar = "FILE",
         .help = "live: also record the session, picture and heard sound, as an .mp4"},
        {.name = "frame_log",
         .metavar = "FILE",
         .help = "live: a CSV row per shown frame: frame,audio_time,shown_time,latency_ms,beat,"
                 "tempo,power"},
        {.name = "osc",
         .type = T::integer,
         .metavar = "PORT",
         .min = 0,
         .max = 65535,
         .help = "live: OSC control on this UDP port (0: a free one): /bigganviz/<option>"},
        {.name = "osc_host",
         .metavar = "ADDRESS",
         .default_text = "127.0.0.1",
         .help = "live: the address OSC listens on (a phone on the network needs this machine's)"},
        {.name = "status_file",
         .metavar = "FILE",
         .help = "live: where the session's status is written twice a second (the studio's Live "
                 "panel reads it)"},
        {.name = "verbose", .type = T::flag, .help = "more messages"},
        {.name = "quiet", .type = T::flag, .help = "only errors"},
        {.name = "help", .type = T::flag, .help = "show this help"},
    };
    return table;
}

// The original tool's short flags, and the usual ones of every command.
const std::map<std::string, std::string, std::less<>>& short_spellings() {
    static const std::map<std::string, std::string, std::less<>> table = {
        {"song", "-s"},
        {"resolution", "-r"},
        {"duration", "-d"},
        {"pitch_sensitivity", "-ps"},
        {"tempo_sensitivity", "-ts"},
        {"classes", "-c"},
        {"num_classes", "-n"},
        {"jitter", "-j"},
        {"frame_length", "-fl"},
        {"truncation", "-t"},
        {"smooth_factor", "-sf"},
        {"batch_size", "-bs"},
        {"output_file", "-o"},
        {"lyrics", "-l"},
        {"encoding", "-e"},
        {"encoding_strategy", "-es"},
        {"verbose", "-v"},
        {"quiet", "-q"},
        {"help", "-h"},
    };
    return table;
}
}  // namespace

const render::OptionDef& option_def(std::string_view key) {
    if (const auto* row = render::find_render_option(key))
        return row->def;
    const auto& own = command_line_options();
    const auto it = std::find_if(own.begin(), own.end(),
                                 [&](const render::OptionDef& def) { return def.name == key; });
    BGV_ASSERT(it != own.end(), "no option named '{}'", key);
    return *it;
}

std::vector<std::string> option_spellings(std::string_view key) {
    std::vector<std::string> spellings;
    if (const auto it = short_spellings().find(key); it != short_spellings().end())
        spellings.push_back(it->second);
    spellings.push_back("--" + option_def(key).name);
    return spellings;
}

}  // namespace bgv::cli
