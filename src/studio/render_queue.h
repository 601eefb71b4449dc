// studio/render_queue: the studio's renders, one at a time, in order (previews go first), each a
// folder renders/<id>/ with its job.json, so that a render cut off by a restart resumes.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "render/renderer.h"

namespace bgv::studio {

// A job is a JSON object: id, kind ("render" | "preview"), song, options, command, state
// (queued | running | done | failed | cancelled), frames_done, frames_total, rate (frames/s),
// eta (s), error, created/started/finished (Unix seconds).
class RenderQueue {
  public:
    // Runs one job (its folder given) to the end; throws render::Cancelled or bgv::Error.
    using Runner = std::function<void(const nlohmann::json& job, const std::filesystem::path& dir,
                                      const render::RenderHooks& hooks)>;

    RenderQueue(std::filesystem::path renders_dir, Runner runner);
    ~RenderQueue();

    // Reads the jobs of earlier runs (an unfinished one is queued again) and starts the worker.
    void start();
    void stop();

    // `job` holds kind, song, options and command; returns the new id.
    std::string submit(nlohmann::json job);
    std::optional<nlohmann::json> get(const std::string& id) const;
    nlohmann::json list() const;  // newest first
    std::filesystem::path folder(const std::string& id) const { return dir_ / id; }
    // Cancels a queued or running job; false when there is no such job.
    bool cancel(const std::string& id);
    // Cancels if needed and deletes the job and its files; false when there is no such job.
    bool remove(const std::string& id);
    // Called after every change of a job (with the queue's lock held: it must only take note).
    // Set before start().
    void set_on_change(std::function<void()> on_change);
    // The jobs changed after `version` and the ids deleted after it, with the version they bring
    // the caller to.
    struct Changes {
        std::uint64_t version = 0;
        std::vector<nlohmann::json> jobs;
        std::vector<std::string> deleted;
    };
    Changes changes_since(std::uint64_t version) const;

  private:
    void work();
    void run_job(const std::string& id);
    void save(const nlohmann::json& job) const;  // lock held
    void changed(const std::string& id);         // lock held

    std::filesystem::path dir_;
    Runner runner_;
    mutable std::mutex mutex_;
    mutable std::condition_variable change_;
    std::uint64_t version_ = 0;
    std::map<std::string, std::uint64_t> revision_;  // the version of each job's last change
    std::map<std::string, std::uint64_t> deleted_;   // and of each deletion
    std::function<void()> on_change_;
    std::map<std::string, nlohmann::json> jobs_;
    std::deque<std::string> waiting_;
    std::string running_;
    std::atomic<bool> cancel_running_{false};
    bool stopping_ = false;
    std::thread worker_;
};

// A fresh random id (hex), for songs and renders.
std::string new_id();
// True when `id` could be one new_id() made: the only names used as folders.
bool is_valid_id(const std::string& id);
double unix_now();

}  // namespace bgv::studio
