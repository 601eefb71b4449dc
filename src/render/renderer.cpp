#include "render/renderer.h"

#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>

#include "core/assert.h"
#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "farm/job_lock.h"
#include "farm/piece_claims.h"
#include "render/assemble.h"
#include "render/farm_schedule.h"
#include "render/identity.h"
#include "render/owner.h"
#include "render/pieces.h"
#include "render/plan.h"
#include "render/saved_vectors.h"
#include "render/subtitle_cues.h"
#include "render/video_settings.h"
#include "render/work_folder.h"
#include "store/model_table.h"
#include "store/store.h"

namespace bgv::render {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

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
        const fs::path resolved = fs::weakly_canonical(output, error);
        if (fs::equivalent(output, input, error) ||
            (!resolved.empty() && resolved == fs::weakly_canonical(input, error)))
            fail("{}: is the {} this render reads; the output must be another file",
                 output.string(), what);
    }
}

void stop_if_cancelled(const RenderHooks& hooks) {
    if (hooks.cancelled())
        throw Cancelled();
}

// "rank 2 of 3: " before the lines of a process that shares its render with others.
std::string who(const farm::Launch& launch) {
    return launch.shared() ? farm::describe(launch) + ": " : "";
}

// True when the output exists and the saved record says this very request made it: a process of a
// shared render that starts after the job finished (an array larger than the free slots) has
// nothing to do.
bool already_rendered(const RenderOptions& o, const json& request, const fs::path& output) {
    if (!fs::exists(output))
        return false;
    try {
        const json record = json::parse(read_file_text(o.vectors_dir / kSavedRecordFile));
        return record.value("output", "") == fs::absolute(output).lexically_normal().string() &&
               !request_difference(request, record.at("identity"));
    } catch (const std::exception&) {
        return false;
    }
}

// The render's plan: the one in the work folder when it answers the request, else a new one made
// here. Called under the plan lock, so the processes sharing a render wait for the first and load
// its plan. Nothing when there is nothing left to do (the render finished meanwhile).
std::optional<RenderPlan> plan_once(const RenderOptions& o, const json& request,
                                    const fs::path& weights, const WorkFolder& work,
                                    const fs::path& output,
                                    const std::optional<text::Lyrics>& lyrics) {
    const auto previous = read_plan_identity(work.dir());
    if (previous) {
        if (const auto why = request_difference(request, *previous)) {
            // A process of a shared render never throws away another's work: the job's processes
            // all ask for the same render, so a different plan is a mistake to show.
            if (o.launch.shared())
                fail("{} holds the plan of another render ({}): remove it or choose another output",
                     work.dir().string(), *why);
            log::info("starting afresh: {} since the unfinished render in {}", *why,
                      work.dir().string());
        } else if (auto plan = load_plan(work.dir())) {
            if (o.launch.shared())
                log::info("{}rendering the plan in {} (seed {})", who(o.launch),
                          work.dir().string(), plan->seed);
            else
                work.remove_leftovers();
            return plan;
        } else {
            log::info("starting afresh: the plan in {} does not prove its vectors",
                      work.dir().string());
        }
    } else if (!work.empty()) {
        log::info("starting afresh: {} holds no readable plan", work.dir().string());
    }
    if (o.launch.shared() && already_rendered(o, request, output)) {
        log::info("{}{} is already rendered; nothing to do", who(o.launch), output.string());
        return std::nullopt;
    }
    const auto start = std::chrono::steady_clock::now();
    work.clear();
    RenderPlan plan = make_plan(o, request, weights, previous, work.dir(), lyrics);
    plan.record["plan_seconds"] = seconds_since(start);
    if (o.launch.shared())
        log::info("{}made the plan for every process in {}", who(o.launch), work.dir().string());
    return plan;
}

// The finished render's record: the plan's record, where the video went and who made each piece.
json job_record(const RenderOptions& o, const RenderPlan& plan, const fs::path& output,
                const farm::PieceClaims& claims, double assembly_seconds) {
    json record = plan.record;
    record["output"] = fs::absolute(output).lexically_normal().string();
    json pieces = json::array();
    for (const auto& report : claims.reports()) {
        BGV_ASSERT(report.has_value(), "a finished render lacks a piece's report");
        pieces.push_back({{"piece", report->piece},
                          {"frames", plan.piece_frames(report->piece)},
                          {"host", report->host},
                          {"worker", report->worker},
                          {"seconds", report->seconds}});
    }
    record["pieces"] = pieces;
    record["job"] = {{"launcher", farm::launcher_name(o.launch.launcher)},
                     {"processes", o.launch.count},
                     {"assembled_by", farm::worker_name(o.launch)},
                     {"assembly_seconds", assembly_seconds}};
    return record;
}

// Gives the memory freed by a finished stage back to the system. The analysis of a long song frees
// large buffers, after which glibc serves allocations of up to 32 MB from its heap instead of
// fresh mappings, and keeps them when freed: an hour's song left 200 MB more resident under the
// 512 px generator than a 5 s one did.
void release_freed_memory() {
    ::malloc_trim(0);
}

// The folders a render creates for its work (the work folder and the output's missing parents),
// removed again when the render fails after owning them and before its plan is made: a bad song
// leaves nothing behind. A render refused by the owner never owned them and removes nothing.
class CreatedFolders {
  public:
    explicit CreatedFolders(const fs::path& work_dir) {
        for (fs::path dir = fs::absolute(work_dir); dir.has_relative_path() && !fs::exists(dir);
             dir = dir.parent_path())
            created_.push_back(dir);
    }
    CreatedFolders(const CreatedFolders&) = delete;
    CreatedFolders& operator=(const CreatedFolders&) = delete;
    ~CreatedFolders() {
        if (!owned_)
            return;
        std::error_code ignored;
        if (!created_.empty())
            fs::remove_all(created_.front(), ignored);
        for (std::size_t i = 1; i < created_.size(); ++i)
            fs::remove(created_[i], ignored);  // only when empty
    }
    void owned() { owned_ = true; }
    void keep() { created_.clear(); }

  private:
    std::vector<fs::path> created_;  // the work folder first, then its parents upwards
    bool owned_ = false;
};

// Says where an unfinished render stands before this process renders its part.
void report_progress_so_far(const RenderPlan& plan, const farm::PieceClaims& claims,
                            const farm::Launch& launch) {
    const std::int64_t done = claims.finished_count();
    if (done == plan.pieces()) {
        log::info("{}all {} pieces are finished; assembling the video", who(launch), plan.pieces());
        return;
    }
    if (done == 0 || launch.shared())
        return;
    std::int64_t first_missing = 0;
    while (claims.finished(first_missing))
        ++first_missing;
    log::info("resuming from frame {} of {} ({} of {} pieces done)",
              plan.piece_first_frame(first_missing), plan.frames, done, plan.pieces());
}

// Saves the vectors and the record beside them (only the record when they came from there).
void save_vectors(const RenderOptions& o, const RenderPlan& plan, const json& record) {
    if (o.use_last_vectors)
        write_file_atomic(o.vectors_dir / kSavedRecordFile, record.dump(1) + "\n");
    else
        save_vector_set(o.vectors_dir, plan.noise_file(), plan.classes_file(), record);
}
}  // namespace

fs::path generator_weights(const RenderOptions& o) {
    if (o.weights) {
        if (!fs::exists(*o.weights))
            fail_usage("--weights {}: no such file or folder", o.weights->string());
        return *o.weights;
    }
    store::Store store;
    return store.ensure(store::biggan_model_for_resolution(o.resolution));
}

fs::path render(const RenderOptions& o, const GeneratorFactory& make_generator,
                const RenderHooks& hooks) {
    check_options(o);
    const fs::path output = output_for(o);
    // A missing song is the most common mistake: say so before anything touches the network.
    check_is_file(o.song);
    check_output(output, o);
    // The lyrics are read once, now: burning them needs them timed.
    const auto lyrics = read_render_lyrics(o);
    // Then the model: without network this fails at once, in one line, before any work.
    const fs::path weights = generator_weights(o);
    stop_if_cancelled(hooks);

    const farm::Launch& launch = o.launch;
    const WorkFolder work(output, video::piece_extension(o.codec));
    if (launch.shared())
        log::info("{} on {}: sharing the render of {} through {}", farm::describe(launch),
                  launch.host, output.string(), work.dir().string());
    CreatedFolders created(work.dir());
    std::error_code error;
    fs::create_directories(work.dir(), error);
    if (error)
        fail("{}: cannot reach the {}: {}", work.dir().string(),
             launch.shared() ? "shared folder" : "render's folder", error.message());
    const json request = render_request(o, weights);
    // One owner per output: a render alone refuses any other live process on it; the processes of
    // a shared render join each other (the same request) and refuse any other.
    const auto owner =
        OutputOwner::claim(work.dir(), identity_digest(request),
                           launch.shared() ? JoinPolicy::join_same_identity : JoinPolicy::refuse);
    if (!owner.joined())
        created.owned();

    std::optional<RenderPlan> plan;
    std::unique_ptr<farm::PieceClaims> held_claims;
    {
        // The plan is made once; the processes that join wait here, then load it.
        const auto lock = farm::JobLock::wait_for(work.plan_lock_path());
        if (!lock)
            return output;  // the folder went away: the render finished meanwhile
        plan = plan_once(o, request, weights, work, output, lyrics);
        release_freed_memory();  // the song's analysis is over
        created.keep();
        if (!plan)
            return output;
        held_claims = std::make_unique<farm::PieceClaims>(
            work.claims_dir(), plan->pieces(),
            [&work](std::int64_t piece) { return work.piece_path(piece); });
        if (!owner.joined()) {
            // Alone in the folder (the processes that join wait for the lock): pieces that do not
            // prove they belong are made again; those that do count as finished even when their
            // process died before reporting them.
            const auto missing = pieces_to_render(*plan, work);
            for (std::int64_t piece = 0; piece < plan->pieces(); ++piece) {
                if (!held_claims->finished(piece) &&
                    std::find(missing.begin(), missing.end(), piece) == missing.end())
                    held_claims->adopt(piece, launch.host, farm::worker_name(launch));
            }
        }
    }
    farm::PieceClaims& claims = *held_claims;
    plan->threads = o.threads > 0 ? o.threads : farm::default_threads(launch);
    stop_if_cancelled(hooks);
    report_progress_so_far(*plan, claims, launch);
    std::unique_ptr<FrameGenerator> generator;
    // Every piece is checked against its proof before the video is assembled; one that fails is
    // made again (here: the others may be gone by then).
    for (bool verified = false; !verified;) {
        FarmSchedule schedule(claims, *plan, launch);
        if (!claims.all_finished()) {
            if (!generator) {
                generator = make_generator(weights, plan->truncation, plan->threads);
                generator->set_grid(plan->grid);
                release_freed_memory();
            }
            render_pieces(*generator, *plan, work, schedule, hooks, schedule.frames_done_before());
        }
        stop_if_cancelled(hooks);
        if (!claims.all_finished()) {
            // The folder went away while we waited: another process finished the video.
            log::info("{}the render was finished by another process", who(launch));
            return output;
        }
        const auto assembly = farm::JobLock::try_take(work.assembly_lock_path());
        if (!assembly || !fs::exists(work.dir())) {
            log::info("{}every piece is finished; another process assembles the video",
                      who(launch));
            return output;
        }
        verified = pieces_to_render(*plan, work).empty();
        if (!verified) {
            claims.forget_finished();
            continue;
        }
        generator.reset();  // its memory is not needed for the assembly
        const auto start = std::chrono::steady_clock::now();
        assemble_video(*plan, work, output);
        save_vectors(o, *plan, job_record(o, *plan, output, claims, seconds_since(start)));
        work.remove();
        log::info("{}wrote {} ({} frames in {} pieces, {:.2f} s)", who(launch), output.string(),
                  plan->frames, plan->pieces(), seconds_at_frame(plan->frames, plan->frame_rate));
    }
    return output;
}

}  // namespace bgv::render
