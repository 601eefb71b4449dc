// farm/job_lock: a lock one process of a shared render takes for a step only one may do: making
// the plan (the others wait and then load it) or assembling the video (the others leave it).
// A core FileLock: released when its holder ends, however it ends.
#pragma once

#include <filesystem>
#include <optional>

#include "core/file_lock.h"

namespace bgv::farm {

class JobLock {
  public:
    // Waits until the lock is held (asleep). Nothing when, by then, the lock file is no longer
    // at `path` (its folder was removed or replaced: the render finished meanwhile). Throws, in
    // one line naming the path, when the folder cannot be reached.
    static std::optional<JobLock> wait_for(const std::filesystem::path& path);
    // The lock if nobody holds it now and its folder is still there.
    static std::optional<JobLock> try_take(const std::filesystem::path& path);

  private:
    explicit JobLock(FileLock lock) : lock_(std::move(lock)) {}
    FileLock lock_;
};

}  // namespace bgv::farm
