#include "farm/job_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/error.h"
#include "farm/lock_file.h"

namespace bgv::farm {

namespace {
// The lock file's descriptor locked, or -1 when another holds it and `wait` is false, or when the
// file is no longer at `path` once locked.
int open_locked(const std::filesystem::path& path, bool wait) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (!wait && errno == ENOENT)
            return -1;
        fail("{}: cannot open (is the shared folder reachable and writable?): {}", path.string(),
             std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0 && (errno != EWOULDBLOCK || !wait)) {
        const int error = errno;
        ::close(fd);
        if (error == EWOULDBLOCK)
            return -1;
        fail("{}: cannot lock (the shared folder needs working flock or POSIX locks): {}",
             path.string(), std::strerror(error));
    }
    while (wait && ::flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            const int error = errno;
            ::close(fd);
            fail("{}: cannot lock (the shared folder needs working flock or POSIX locks): {}",
                 path.string(), std::strerror(error));
        }
    }
    if (!still_at(fd, path)) {
        ::close(fd);
        return -1;
    }
    return fd;
}
}  // namespace

std::optional<JobLock> JobLock::wait_for(const std::filesystem::path& path) {
    const int fd = open_locked(path, true);
    if (fd < 0)
        return std::nullopt;
    return JobLock(fd);
}

std::optional<JobLock> JobLock::try_take(const std::filesystem::path& path) {
    const int fd = open_locked(path, false);
    if (fd < 0)
        return std::nullopt;
    return JobLock(fd);
}

JobLock::~JobLock() {
    if (fd_ >= 0)
        ::close(fd_);
}

JobLock::JobLock(JobLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

}  // namespace bgv::farm
