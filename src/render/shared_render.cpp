#include "render/shared_render.h"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

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
#include "render/work_folder.h"
#include "store/sha256.h"

namespace bgv::render {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr const char* kPlanLock = "plan.lock";
constexpr const char* kAssemblyLock = "assemble.lock";
constexpr const char* kClaimsFolder = "claims";

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What this process was asked for, in the identity's and the record's terms: a plan in the shared
// folder must agree on every entry (the seed and classes only when they were given).
json request_of(const RenderOptions& o, const fs::path& weights) {
    json identity = options_identity(o, weights);
    identity["song_sha256"] = store::sha256_file(o.song);
    if (o.seed)
        identity["seed"] = *o.seed;
    if (!o.classes.empty() && !o.sort_by_power)
        identity["classes"] = o.classes;
    return {{"identity", identity},
            {"duration", o.duration ? json(*o.duration) : json(nullptr)},
            {"lyrics", o.lyrics ? json(fs::absolute(*o.lyrics).string()) : json(nullptr)}};
}

// The first entry of `request` that `record` (a plan's record) disagrees with, in words.
std::optional<std::string> request_difference(const json& request, const json& record) {
    json asked = request.at("identity"), found = json::object();
    const json& identity = record.at("identity");
    for (const auto& [key, value] : asked.items())
        found[key] = identity.contains(key) ? identity.at(key) : json(nullptr);
    for (const char* key : {"duration", "lyrics"}) {
        asked[key] = request.at(key);
        found[key] = record.contains(key) ? record.at(key) : json(nullptr);
    }
    return describe_difference(found, asked);
}

// True when the output exists and the saved record says this very request made it: a process that
// starts after the job finished (an array larger than the free slots) has nothing to do.
bool already_rendered(const RenderOptions& o, const json& request, const fs::path& output) {
    if (!fs::exists(output))
        return false;
    try {
        const json record = json::parse(read_file_text(o.vectors_dir / kSavedRecordFile));
        return record.value("output", "") == fs::absolute(output).lexically_normal().string() &&
               !request_difference(request, record);
    } catch (const std::exception&) {
        return false;
    }
}

// Empties the work folder for a new plan, keeping the lock held now and the owner's files.
void clear_for_plan(const WorkFolder& work) {
    for (const auto& entry : fs::directory_iterator(work.dir())) {
        const std::string name = entry.path().filename().string();
        if (name != kPlanLock && !is_owner_file(name))
            fs::remove_all(entry.path());
    }
}

// The plan of the job: loaded when another process made it, else made and saved here. Nothing
// when the job finished while this process waited for the lock.
std::optional<RenderPlan> plan_once(const RenderOptions& o, const json& request,
                                    const fs::path& weights, const WorkFolder& work,
                                    const fs::path& output) {
    const auto lock = farm::JobLock::wait_for(work.dir() / kPlanLock);
    if (!lock)
        return std::nullopt;
    const std::string who = farm::describe(o.launch);
    if (auto plan = load_plan(work.dir())) {
        if (const auto why = request_difference(request, plan->record))
            fail("{} holds the plan of another render ({}): remove it or choose another output",
                 work.dir().string(), *why);
        log::info("{}: rendering the plan in {} (seed {})", who, work.dir().string(), plan->seed);
        return plan;
    }
    if (already_rendered(o, request, output)) {
        log::info("{}: {} is already rendered; nothing to do", who, output.string());
        return std::nullopt;
    }
    const auto start = std::chrono::steady_clock::now();
    RenderPlan plan = make_plan(o, weights, std::nullopt);
    plan.record["plan_seconds"] = seconds_since(start);
    clear_for_plan(work);
    save_plan(plan, work.dir());
    log::info("{}: made the plan for every process in {}", who, work.dir().string());
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
}  // namespace

fs::path render_shared(const RenderOptions& o, const GeneratorFactory& make_generator,
                       const RenderHooks& hooks, const fs::path& output, const fs::path& weights) {
    const farm::Launch& launch = o.launch;
    const std::string who = farm::describe(launch);
    const WorkFolder work(output);
    log::info("{} on {}: sharing the render of {} through {}", who, launch.host, output.string(),
              work.dir().string());
    std::error_code error;
    fs::create_directories(work.dir(), error);
    if (error)
        fail("{}: cannot reach the shared folder: {}", work.dir().string(), error.message());

    const json request = request_of(o, weights);
    auto plan = plan_once(o, request, weights, work, output);
    if (!plan)
        return output;
    plan->threads = o.threads > 0 ? o.threads : farm::default_threads(launch);
    const auto owner =
        OutputOwner::claim(work.dir(), plan->identity_digest, JoinPolicy::join_same_identity);

    farm::PieceClaims claims(work.dir() / kClaimsFolder, plan->pieces(),
                             [&work](std::int64_t piece) { return work.piece_path(piece); });
    std::unique_ptr<FrameGenerator> generator;
    // Every piece is checked against its proof before the video is assembled; one that fails is
    // made again (here: the others are gone by then).
    for (bool verified = false; !verified;) {
        FarmSchedule schedule(claims, *plan, launch);
        if (!claims.all_finished()) {
            if (!generator)
                generator = make_generator(weights, plan->truncation, plan->threads);
            render_pieces(*generator, *plan, work, schedule, hooks, schedule.frames_done_before());
        }
        if (hooks.cancelled())
            throw Cancelled();
        if (!claims.all_finished()) {
            // The folder went away while we waited: another process finished the video.
            log::info("{}: the render was finished by another process", who);
            return output;
        }
        const auto assembly = farm::JobLock::try_take(work.dir() / kAssemblyLock);
        if (!assembly || !fs::exists(work.dir())) {
            log::info("{}: every piece is finished; another process assembles the video", who);
            return output;
        }
        verified = pieces_to_render(*plan, work).empty();
        if (!verified)
            claims.forget_finished();
        if (verified) {
            const auto start = std::chrono::steady_clock::now();
            assemble_video(*plan, work, output);
            const json record = job_record(o, *plan, output, claims, seconds_since(start));
            if (o.use_last_vectors)
                write_file_atomic(o.vectors_dir / kSavedRecordFile, record.dump(1) + "\n");
            else
                save_vector_set(o.vectors_dir, plan->vectors, record);
            work.remove();
            log::info("{}: wrote {} ({} frames in {} pieces, {:.2f} s)", who, output.string(),
                      plan->frames, plan->pieces(),
                      seconds_at_frame(plan->frames, plan->frame_rate));
        }
    }
    return output;
}

}  // namespace bgv::render
