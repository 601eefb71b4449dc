#include "studio/render_queue.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "core/error.h"
#include "core/file.h"
#include "core/log.h"

namespace bgv::studio {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr const char* kJobFile = "job.json";

bool is_final(const std::string& state) {
    return state == "done" || state == "failed" || state == "cancelled";
}
}  // namespace

std::string new_id() {
    static std::mutex mutex;
    static std::random_device device;
    const std::lock_guard lock(mutex);
    std::string id;
    for (int i = 0; i < 4; ++i)
        id += fmt::format("{:04x}", device() & 0xffffu);
    return id;
}

bool is_valid_id(const std::string& id) {
    return id.size() == 16 && std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

double unix_now() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

RenderQueue::RenderQueue(fs::path renders_dir, Runner runner)
    : dir_(std::move(renders_dir)), runner_(std::move(runner)) {}

RenderQueue::~RenderQueue() {
    stop();
}

void RenderQueue::start() {
    fs::create_directories(dir_);
    std::vector<json> unfinished;
    for (const auto& entry : fs::directory_iterator(dir_)) {
        const fs::path file = entry.path() / kJobFile;
        if (!is_valid_id(entry.path().filename().string()) || !fs::is_regular_file(file))
            continue;
        try {
            json job = json::parse(read_file_text(file));
            if (!is_final(job.at("state").get<std::string>())) {
                job["state"] = "queued";
                unfinished.push_back(job);
            }
            const std::string id = job.at("id").get<std::string>();
            jobs_[id] = std::move(job);
        } catch (const std::exception& error) {
            log::warn("{}: not a studio job, left alone ({})", file.string(), error.what());
        }
    }
    std::sort(unfinished.begin(), unfinished.end(), [](const json& a, const json& b) {
        return a.value("created", 0.0) < b.value("created", 0.0);
    });
    for (const auto& job : unfinished) {
        log::info("studio: render {} was cut off; it resumes", job.at("id").get<std::string>());
        waiting_.push_back(job.at("id").get<std::string>());
    }
    worker_ = std::thread([this] { work(); });
}

void RenderQueue::stop() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
        cancel_running_ = true;
        change_.notify_all();
    }
    if (worker_.joinable())
        worker_.join();
}

void RenderQueue::save(const json& job) const {
    const fs::path folder = dir_ / job.at("id").get<std::string>();
    fs::create_directories(folder);
    write_file_atomic(folder / kJobFile, job.dump(1) + "\n");
}

void RenderQueue::changed(const std::string& id) {
    ++version_;
    if (jobs_.contains(id)) {
        revision_[id] = version_;
    } else {
        revision_.erase(id);
        deleted_[id] = version_;
    }
    change_.notify_all();
    if (on_change_)
        on_change_();
}

void RenderQueue::set_on_change(std::function<void()> on_change) {
    const std::lock_guard lock(mutex_);
    on_change_ = std::move(on_change);
}

RenderQueue::Changes RenderQueue::changes_since(std::uint64_t version) const {
    const std::lock_guard lock(mutex_);
    Changes changes{version_, {}, {}};
    for (const auto& [id, revision] : revision_) {
        if (revision > version)
            changes.jobs.push_back(jobs_.at(id));
    }
    for (const auto& [id, revision] : deleted_) {
        if (revision > version)
            changes.deleted.push_back(id);
    }
    return changes;
}

std::string RenderQueue::submit(json job) {
    const std::lock_guard lock(mutex_);
    const std::string id = new_id();
    job["id"] = id;
    job["state"] = "queued";
    job["frames_done"] = 0;
    job["frames_total"] = 0;
    job["created"] = unix_now();
    save(job);
    // A preview is wanted in seconds: it goes before the waiting renders.
    if (job.value("kind", "") == "preview")
        waiting_.push_front(id);
    else
        waiting_.push_back(id);
    jobs_[id] = std::move(job);
    changed(id);
    return id;
}

std::optional<json> RenderQueue::get(const std::string& id) const {
    const std::lock_guard lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end())
        return std::nullopt;
    return it->second;
}

json RenderQueue::list() const {
    const std::lock_guard lock(mutex_);
    std::vector<json> all;
    for (const auto& [id, job] : jobs_)
        all.push_back(job);
    std::sort(all.begin(), all.end(), [](const json& a, const json& b) {
        return a.value("created", 0.0) > b.value("created", 0.0);
    });
    return json(all);
}

bool RenderQueue::cancel(const std::string& id) {
    const std::lock_guard lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end())
        return false;
    json& job = it->second;
    if (id == running_) {
        cancel_running_ = true;
    } else if (job.at("state") == "queued") {
        std::erase(waiting_, id);
        job["state"] = "cancelled";
        job["finished"] = unix_now();
        save(job);
        changed(id);
    }
    return true;
}

bool RenderQueue::remove(const std::string& id) {
    std::unique_lock lock(mutex_);
    if (!jobs_.contains(id))
        return false;
    std::erase(waiting_, id);
    if (id == running_) {
        cancel_running_ = true;
        change_.wait(lock, [&] { return running_ != id; });
    }
    jobs_.erase(id);
    fs::remove_all(dir_ / id);
    changed(id);
    return true;
}

void RenderQueue::work() {
    for (;;) {
        std::string id;
        {
            std::unique_lock lock(mutex_);
            change_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
            if (stopping_)
                return;
            id = waiting_.front();
            waiting_.pop_front();
            running_ = id;
            cancel_running_ = false;
        }
        run_job(id);
    }
}

void RenderQueue::run_job(const std::string& id) {
    json job;
    {
        const std::lock_guard lock(mutex_);
        json& stored = jobs_.at(id);
        stored["state"] = "running";
        stored["started"] = unix_now();
        save(stored);
        changed(id);
        job = stored;
    }
    const double started = unix_now();
    std::int64_t first_frames = -1;  // frames already done when this run began (resume)
    double last_saved = 0;
    render::RenderHooks hooks;
    hooks.cancel = &cancel_running_;
    hooks.progress = [&](std::int64_t done, std::int64_t total) {
        const std::lock_guard lock(mutex_);
        json& stored = jobs_.at(id);
        if (first_frames < 0)
            first_frames = std::max<std::int64_t>(0, done - 1);
        const double elapsed = unix_now() - started;
        const double rate = elapsed > 0 ? static_cast<double>(done - first_frames) / elapsed : 0;
        stored["frames_done"] = done;
        stored["frames_total"] = total;
        stored["rate"] = rate;
        stored["eta"] = rate > 0 ? json(static_cast<double>(total - done) / rate) : json(nullptr);
        if (unix_now() - last_saved > 1.0) {
            save(stored);
            last_saved = unix_now();
        }
        changed(id);
    };
    std::string state = "done";
    std::string error;
    try {
        runner_(job, dir_ / id, hooks);
    } catch (const render::Cancelled&) {
        state = "cancelled";
    } catch (const std::exception& failure) {
        state = "failed";
        error = describe(failure);
        log::warn("studio: render {} failed: {}", id, error);
    }
    const std::lock_guard lock(mutex_);
    running_.clear();
    const auto it = jobs_.find(id);
    if (it != jobs_.end()) {
        json& stored = it->second;
        // Stopped by the server's own shutdown: the render resumes when the studio starts again.
        stored["state"] = state == "cancelled" && stopping_ ? "queued" : state;
        stored["error"] = error;
        stored["finished"] = unix_now();
        if (state == "done")
            stored["frames_done"] = stored["frames_total"];
        save(stored);
    }
    changed(id);
}

}  // namespace bgv::studio
