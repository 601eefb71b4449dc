// bigganviz render (the default command): the original tool's command line, made resumable, and
// stopped cleanly by SIGINT (exit 130) or SIGTERM (exit 143).
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>

#include "choreo/checks.h"
#include "cli/commands.h"
#include "core/error.h"
#include "core/json.h"
#include "farm/launch.h"
#include "features/stft.h"
#include "render/biggan_frames.h"
#include "render/renderer.h"
#include "render/saved_vectors.h"

namespace bgv::cli {

namespace {
// Set by the signal handler (only lock-free atomics there); the render stops at its next check.
std::atomic<bool> interrupted{false};
std::atomic<int> interrupting_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int signal) {
    if (interrupted.exchange(true))
        ::_exit(128 + signal);  // a second signal: stop at once, the pieces stay as they are
    interrupting_signal.store(signal);
}

// The command line's own words for options that contradict each other (render/ checks again in
// words of the options, for callers other than the command line).
void check_flags(const render::RenderOptions& o) {
    if (!o.classes.empty() && o.lyrics)
        fail_usage("-c/--classes and -l/--lyrics both choose the classes: give one of them");
    if (!o.classes.empty() && o.use_last_classes)
        fail_usage("-c/--classes and --use_last_classes both choose the classes: give one of them");
    if (o.lyrics && o.use_last_classes)
        fail_usage("-l/--lyrics and --use_last_classes both choose the classes: give one of them");
    if (!o.classes.empty() && static_cast<int>(o.classes.size()) != o.num_classes)
        fail_usage("-c/--classes lists {} classes but -n/--num_classes is {}: they must agree",
                   o.classes.size(), o.num_classes);
    if (o.use_last_vectors && (!o.classes.empty() || o.lyrics || o.use_last_classes))
        fail_usage(
            "--use_last_vectors reuses the saved class vectors: -c, -l and "
            "--use_last_classes would be ignored");
}

// --use_last_classes: a damaged run record fails at once, in one line and with exit code 1 (a bad
// file, not a bad command line), before the song or the model are loaded.
void check_saved_classes(const std::filesystem::path& vectors_dir) {
    const std::filesystem::path record = vectors_dir / render::kSavedRecordFile;
    if (!std::filesystem::exists(record))
        return;  // the saved vectors alone tell the classes; render reads them
    with_context(record.string(), [&] { choreo::classes_of_record(read_json_file(record)); });
}
}  // namespace

render::RenderOptions render_options_from_args(const Args& args) {
    render::RenderOptions o;
    o.song = args.text("song");
    if (args.has("output_file"))
        o.output = args.text("output_file");
    o.resolution = static_cast<int>(args.integer("resolution"));
    if (args.has("weights"))
        o.weights = args.text("weights");
    if (args.has("duration"))
        o.duration = args.number("duration");
    o.choreo.pitch_sensitivity = static_cast<int>(args.integer("pitch_sensitivity"));
    o.choreo.tempo_sensitivity = args.number("tempo_sensitivity");
    o.choreo.jitter = args.number("jitter");
    o.choreo.frame_length = static_cast<int>(args.integer("frame_length"));
    o.choreo.truncation = args.number("truncation");
    o.choreo.smooth_factor = static_cast<int>(args.integer("smooth_factor"));
    o.fps = frame_rate_option(args);
    o.start = args.number("start");
    if (args.has("max_duration"))
        o.max_duration = args.number("max_duration");
    o.choreography = args.text("choreography");
    o.beat.pulse = args.number("pulse");
    o.beat.pulse_decay = args.number("pulse_decay");
    o.beat.motion = args.number("motion");
    o.beat.class_smooth = args.number("class_smooth");
    o.beat.shuffle_bars = static_cast<int>(args.integer("shuffle_bars"));
    o.beat.truncation = o.choreo.truncation;
    if (args.has("classes")) {
        for (const auto id : args.integers("classes"))
            o.classes.push_back(static_cast<int>(id));
    }
    // -c alone says how many classes there are; -c with a different -n is a contradiction.
    o.num_classes = args.has("num_classes") || o.classes.empty()
                        ? static_cast<int>(args.integer("num_classes"))
                        : static_cast<int>(o.classes.size());
    o.sort_by_power = args.flag("sort_by_power");
    o.use_last_vectors = args.flag("use_last_vectors");
    o.use_last_classes = args.flag("use_last_classes");
    if (args.has("lyrics"))
        o.lyrics = args.text("lyrics");
    o.encoding_strategy = args.text("encoding_strategy");
    if (args.has("text_weights"))
        o.text_weights = args.text("text_weights");
    if (args.text("encoding") == "doc2vec")
        fail_usage("-e doc2vec is not supported: use -e sbert (all-MiniLM-L6-v2)");
    if (args.has("seed"))
        o.seed = static_cast<std::uint64_t>(args.integer("seed"));
    o.batch_size = static_cast<int>(args.integer("batch_size"));
    o.threads = static_cast<int>(args.integer("threads"));
    o.segment_frames = static_cast<int>(args.integer("segment_frames"));
    o.crf = static_cast<int>(args.integer("crf"));
    check_flags(o);
    return o;
}

int run_render(const Args& args) {
    render::RenderOptions o = render_options_from_args(args);
    o.launch = farm::detect_launch(
        args.has("shard") ? std::optional(farm::parse_shard(args.text("shard"))) : std::nullopt);
    if (o.launch.stand_aside)
        return 0;  // rank 0 renders alone and has said so
    if (o.use_last_classes)
        check_saved_classes(o.vectors_dir);
    // --threads holds for the song's analysis too (the generator gets it with the options).
    features::limit_feature_threads(o.threads);
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    render::RenderHooks hooks;
    hooks.cancel = &interrupted;
    try {
        render::render(o, render::load_biggan_frames, hooks);
    } catch (const render::Cancelled&) {
        std::fputs("bigganviz: interrupted; run the same command again to resume\n", stderr);
        return 128 + interrupting_signal.load();
    }
    return 0;
}

}  // namespace bgv::cli
