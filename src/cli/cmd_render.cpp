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

// --use_last_classes: a damaged run record fails at once, in one line and with exit code 1 (a bad
// file, not a bad command line), before the song or the model are loaded.
void check_saved_classes(const std::filesystem::path& vectors_dir) {
    const std::filesystem::path record = vectors_dir / render::kSavedRecordFile;
    if (!std::filesystem::exists(record))
        return;  // the saved vectors alone tell the classes; render reads them
    with_context(record.string(), [&] { choreo::classes_of_record(read_json_file(record)); });
}
}  // namespace

int run_render(const Args& args) {
    render::RenderOptions o = render::render_options_from(render_values(args));
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
        render::render(o, render::biggan_frames_factory(o.precision), hooks);
    } catch (const render::Cancelled&) {
        std::fputs("bigganviz: interrupted; run the same command again to resume\n", stderr);
        return 128 + interrupting_signal.load();
    }
    return 0;
}

}  // namespace bgv::cli
