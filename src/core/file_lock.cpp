#include "core/file_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/error.h"
#include "core/file.h"
#include "core/host.h"

namespace bgv {

namespace fs = std::filesystem;

namespace {
// The record is a few dozen bytes; anything longer is not one.
constexpr std::uint64_t kMaxRecordBytes = 4096;

// True while the open descriptor `fd` is the file named `path`.
bool still_named(int fd, const fs::path& path) {
    struct stat held {
    }, named{};
    if (::fstat(fd, &held) != 0 || ::stat(path.c_str(), &named) != 0)
        return false;
    return held.st_ino == named.st_ino && held.st_dev == named.st_dev;
}

[[noreturn]] void fail_lock(const fs::path& path, int error) {
    fail("{}: cannot lock (the folder needs working flock or POSIX locks): {}", path.string(),
         std::strerror(error));
}

// Takes the flock on `fd`: false when another holds it and `wait` is false. Closes `fd` and
// throws when the file system refuses.
bool lock_descriptor(int fd, const fs::path& path, const FileLock::Options& options,
                     bool& told_wait) {
    const int operation = options.mode == FileLock::Mode::exclusive ? LOCK_EX : LOCK_SH;
    int result;
    while ((result = ::flock(fd, operation | LOCK_NB)) != 0 && errno == EINTR) {
    }
    if (result == 0)
        return true;
    if (errno != EWOULDBLOCK) {
        const int error = errno;
        ::close(fd);
        fail_lock(path, error);
    }
    if (!options.wait) {
        ::close(fd);
        return false;
    }
    if (options.on_wait && !told_wait) {
        told_wait = true;
        options.on_wait(read_lock_holder(path));
    }
    while (::flock(fd, operation) != 0) {
        if (errno != EINTR) {
            const int error = errno;
            ::close(fd);
            fail_lock(path, error);
        }
    }
    return true;
}

// The holder's record, written over the file's previous content once the lock is held. Best
// effort: the record serves messages only, and the lock holds without it.
bool write_record(int fd) {
    const std::string record =
        nlohmann::json{{"host", host_name()}, {"pid", static_cast<long>(::getpid())}}.dump() + "\n";
    return ::ftruncate(fd, 0) == 0 &&
           ::pwrite(fd, record.data(), record.size(), 0) == static_cast<ssize_t>(record.size());
}
}  // namespace

std::string LockHolder::text() const {
    return fmt::format("pid {} on {}", pid, host);
}

std::optional<FileLock> FileLock::take(const fs::path& path, const Options& options) {
    bool told_wait = false;
    for (;;) {
        if (options.make_folder && options.when_moved == WhenMoved::retry) {
            std::error_code error;
            fs::create_directories(path.parent_path(), error);
            if (error)
                fail("{}: cannot make the lock file's folder: {}", path.string(), error.message());
        }
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            if (errno == ENOENT && options.when_moved == WhenMoved::give_up)
                return std::nullopt;  // the folder is gone
            fail("{}: cannot open the lock file: {}", path.string(), std::strerror(errno));
        }
        if (!lock_descriptor(fd, path, options, told_wait))
            return std::nullopt;
        if (still_named(fd, path)) {
            FileLock lock(path, fd);
            if (options.mode == Mode::exclusive && options.record_holder)
                lock.recorded_ = write_record(fd);
            return lock;
        }
        ::close(fd);
        if (options.when_moved == WhenMoved::give_up)
            return std::nullopt;
    }
}

void FileLock::share() {
    while (::flock(fd_, LOCK_SH) != 0) {
        if (errno != EINTR)
            fail_lock(path_, errno);
    }
}

void FileLock::release() {
    if (fd_ < 0)
        return;
    // The record goes with the lock.
    if (recorded_ && ::ftruncate(fd_, 0) != 0) {
        // Best effort: a record left behind (as a killed holder's is) names a former holder
        // until the next one writes its own.
    }
    ::close(fd_);  // releases the flock
    fd_ = -1;
}

FileLock::~FileLock() {
    release();
}

FileLock::FileLock(FileLock&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      recorded_(std::exchange(other.recorded_, false)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        release();
        path_ = std::move(other.path_);
        fd_ = std::exchange(other.fd_, -1);
        recorded_ = std::exchange(other.recorded_, false);
    }
    return *this;
}

std::optional<LockHolder> read_lock_holder(const fs::path& path) {
    try {
        const auto record = nlohmann::json::parse(read_file_text(path, kMaxRecordBytes));
        return LockHolder{record.at("host").get<std::string>(), record.at("pid").get<long>()};
    } catch (const std::exception&) {
        return std::nullopt;  // no record (yet), or one being written
    }
}

}  // namespace bgv
