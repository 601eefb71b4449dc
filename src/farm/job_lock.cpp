#include "farm/job_lock.h"

namespace bgv::farm {

std::optional<JobLock> JobLock::wait_for(const std::filesystem::path& path) {
    auto lock = FileLock::take(path, {.when_moved = FileLock::WhenMoved::give_up});
    if (!lock)
        return std::nullopt;
    return JobLock(std::move(*lock));
}

std::optional<JobLock> JobLock::try_take(const std::filesystem::path& path) {
    auto lock = FileLock::take(path, {.wait = false, .when_moved = FileLock::WhenMoved::give_up});
    if (!lock)
        return std::nullopt;
    return JobLock(std::move(*lock));
}

}  // namespace bgv::farm
