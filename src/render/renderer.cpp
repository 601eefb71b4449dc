#include "render/renderer.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/log.h"
#include "render/assemble.h"
#include "render/identity.h"
#include "render/owner.h"
#include "render/pieces.h"
#include "render/plan.h"
#include "render/saved_vectors.h"
#include "render/work_folder.h"
#include "store/model_table.h"
#include "store/store.h"

namespace bgv::render {

namespace fs = std::filesystem;

namespace {
// The output must name a file that is none of the inputs: refused before any work.
void check_output(const fs::path& output, const RenderOptions& o) {
    const fs::path name = output.filename();
    if (output.empty() || name.empty() || name == "." || name == ".." || fs::is_directory(output))
        fail("{}: is a folder; the output must name a video file", output.string());
    std::vector<std::pair<const char*, fs::path>> inputs = {{"song", o.song}};
    if (o.lyrics)
        inputs.emplace_back("lyrics", *o.lyrics);
    if (o.weights)
        inputs.emplace_back("weights", *o.weights);
    for (const auto& [what, input] : inputs) {
        std::error_code error;
        // equivalent() sees links and other spellings of an existing path; weakly_canonical
        // also "missing/../song.wav", which the output's folder would be created for.
        if (fs::equivalent(output, input, error) ||
            fs::weakly_canonical(output, error) == fs::weakly_canonical(input, error))
            fail("{}: is the {} this render reads; the output must be another file",
                 output.string(), what);
    }
}

fs::path resolve_weights(const RenderOptions& o) {
    if (o.weights) {
        if (!fs::exists(*o.weights))
            fail_usage("--weights {}: no such file or folder", o.weights->string());
        return *o.weights;
    }
    store::Store store;
    return store.ensure(store::biggan_model_for_resolution(o.resolution));
}

void stop_if_cancelled(const RenderHooks& hooks) {
    if (hooks.cancelled())
        throw Cancelled();
}

// Keeps an unfinished render of the same plan, or empties the folder and saves `plan` in it.
void prepare_work_folder(const RenderPlan& plan, const WorkFolder& work) {
    const auto previous = read_plan_identity(work.dir());
    if (previous) {
        const auto why = describe_difference(*previous, plan.identity);
        if (!why) {
            work.remove_leftovers();
            return;
        }
        log::info("starting afresh: {} since the unfinished render in {}", *why,
                  work.dir().string());
    } else if (!work.empty()) {
        log::info("starting afresh: {} holds no readable plan", work.dir().string());
    }
    work.clear();
    save_plan(plan, work.dir());
}
}  // namespace

fs::path render(const RenderOptions& o, const GeneratorFactory& make_generator,
                const RenderHooks& hooks) {
    check_options(o);
    const fs::path output = o.output.value_or(default_output(o.song));
    // A missing song is the most common mistake: say so before anything touches the network.
    if (!fs::is_regular_file(o.song))
        fail("{}: {}", o.song.string(), fs::exists(o.song) ? "is not a file" : "no such file");
    check_output(output, o);
    // Then the model: without network this fails at once, in one line, before any work.
    const fs::path weights = resolve_weights(o);
    stop_if_cancelled(hooks);

    const WorkFolder work(output);
    const RenderPlan plan = make_plan(o, weights, read_plan_identity(work.dir()));
    stop_if_cancelled(hooks);
    const auto owner = OutputOwner::claim(work.dir(), plan.identity_digest, JoinPolicy::refuse);
    if (!o.use_last_vectors)
        save_vector_set(o.vectors_dir, plan.vectors, plan.record);
    prepare_work_folder(plan, work);

    const std::vector<std::int64_t> missing = pieces_to_render(plan, work);
    std::int64_t frames_done = plan.frames;
    for (const std::int64_t piece : missing)
        frames_done -= plan.piece_frames(piece);
    if (missing.empty()) {
        log::info("all {} pieces are finished; assembling the video", plan.pieces());
    } else if (frames_done > 0) {
        log::info("resuming from frame {} of {} ({} of {} pieces done)",
                  plan.piece_first_frame(missing.front()), plan.frames,
                  plan.pieces() - static_cast<std::int64_t>(missing.size()), plan.pieces());
    }
    if (!missing.empty()) {
        auto generator = make_generator(plan.weights, plan.truncation, plan.threads);
        LocalSchedule schedule(missing);
        render_pieces(*generator, plan, work, schedule, hooks, frames_done);
    }
    stop_if_cancelled(hooks);
    assemble_video(plan, work, output);
    work.remove();
    log::info("wrote {} ({} frames, {:.2f} s)", output.string(), plan.frames,
              seconds_at_frame(plan.frames, plan.frame_rate));
    return output;
}

}  // namespace bgv::render
