// farm/job_lock: a lock one process of a shared render takes for a step only one may do: making
// the plan (the others wait and then load it) or assembling the video (the others leave it).
// An flock: released when its holder ends, however it ends.
#pragma once

#include <filesystem>
#include <optional>

namespace bgv::farm {

class JobLock {
  public:
    // Waits until the lock is held (asleep). Nothing when, by then, the lock file is no longer
    // at `path` (its folder was removed: the render finished meanwhile). Throws, in one line
    // naming the path, when the folder cannot be reached.
    static std::optional<JobLock> wait_for(const std::filesystem::path& path);
    // The lock if nobody holds it now and its folder is still there.
    static std::optional<JobLock> try_take(const std::filesystem::path& path);

    ~JobLock();
    JobLock(JobLock&& other) noexcept;
    JobLock& operator=(JobLock&&) = delete;
    JobLock(const JobLock&) = delete;
    JobLock& operator=(const JobLock&) = delete;

  private:
    explicit JobLock(int fd) : fd_(fd) {}
    int fd_;
};

}  // namespace bgv::farm
