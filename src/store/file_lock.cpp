#include "store/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace bgv::store {

FileLock::FileLock(const std::filesystem::path& path, const std::function<void()>& on_wait) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
        fail("cannot open lock file {}: {}", path.string(), std::strerror(errno));
    // Each open() is its own open file description, so threads of one process exclude each other
    // as processes do.
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0)
        return;
    if (errno == EWOULDBLOCK && on_wait)
        on_wait();
    while (::flock(fd_, LOCK_EX) != 0) {
        if (errno != EINTR) {
            const int error = errno;
            ::close(fd_);
            fail("cannot lock {}: {}", path.string(), std::strerror(error));
        }
    }
}

FileLock::~FileLock() {
    // Closing the descriptor releases the flock.
    ::close(fd_);
}

}  // namespace bgv::store
