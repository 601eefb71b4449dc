// render/owner: one owner per output. The work folder "<output>.partial/" holds owner.json (run
// identity digest, host, pid) and owner.lock, which every process taking part holds with flock for
// as long as it renders, so a dead owner is told from a live one by the kernel (on one host) or by
// owner.json's heartbeat (its mtime, refreshed every few seconds, for owners on other hosts).
#pragma once

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/file_lock.h"

namespace bgv::render {

enum class JoinPolicy {
    refuse,             // any live process on this output is refused (a local render)
    join_same_identity  // processes of the same render share it (farm/); others are refused
};

// Holds the claim on a work folder until destroyed. Usage:
//   auto owner = OutputOwner::claim(work.dir(), plan.identity_digest, JoinPolicy::refuse);
// Claiming never changes the folder's other files, so a refused process has touched nothing.
class OutputOwner {
  public:
    // Creates `work_dir` when missing. A dead owner (no process holds the lock, or a foreign
    // host's heartbeat is stale) is taken over with one line. A live owner of a different render,
    // or of any render under JoinPolicy::refuse, is bgv::Error in one line naming its pid and host.
    static OutputOwner claim(const std::filesystem::path& work_dir,
                             const std::string& identity_digest, JoinPolicy policy);

    OutputOwner(OutputOwner&& other) noexcept;
    OutputOwner& operator=(OutputOwner&&) = delete;
    OutputOwner(const OutputOwner&) = delete;
    ~OutputOwner();

    // True when a live process of the same render owned the folder first (JoinPolicy::join_*).
    bool joined() const { return joined_; }

  private:
    OutputOwner(std::filesystem::path owner_file, FileLock lock, bool joined);
    void keep_heartbeat();

    std::filesystem::path owner_file_;
    std::optional<FileLock> lock_;  // owner.lock, held shared while rendering
    bool joined_ = false;
    std::mutex mutex_;
    std::condition_variable stop_;
    bool stopping_ = false;
    std::thread heartbeat_;
};

// True for the names of the owner's files, which clearing a work folder keeps.
bool is_owner_file(const std::string& name);

// This machine's host name, as owner files record it.
std::string host_name();

}  // namespace bgv::render
