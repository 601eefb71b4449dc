#include "farm/job_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/error.h"

namespace bgv::farm {

namespace {
// The lock file's descriptor locked, or -1 when another holds it and `wait` is false.
int open_locked(const std::filesystem::path& path, bool wait, void (*on_wait)()) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        fail("{}: cannot open (is the shared folder reachable and writable?): {}", path.string(),
             std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0)
        return fd;
    if (errno == EWOULDBLOCK && !wait) {
        ::close(fd);
        return -1;
    }
    if (errno == EWOULDBLOCK && on_wait != nullptr)
        on_wait();
    while (::flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            const int error = errno;
            ::close(fd);
            fail("{}: cannot lock (the shared folder needs working flock or POSIX locks): {}",
                 path.string(), std::strerror(error));
        }
    }
    return fd;
}
}  // namespace

JobLock JobLock::wait_for(const std::filesystem::path& path, void (*on_wait)()) {
    return JobLock(open_locked(path, true, on_wait));
}

std::optional<JobLock> JobLock::try_take(const std::filesystem::path& path) {
    const int fd = open_locked(path, false, nullptr);
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
