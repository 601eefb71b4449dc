#include "render/owner.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/error.h"
#include "core/file.h"
#include "core/log.h"

namespace bgv::render {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr const char* kOwnerFile = "owner.json";
constexpr const char* kLockFile = "owner.lock";
constexpr const char* kClaimFile = "owner.claim.lock";  // serialises claims (held briefly)
constexpr auto kHeartbeatEvery = std::chrono::seconds(5);
constexpr auto kHeartbeatFresh = std::chrono::seconds(60);

struct Owner {
    std::string identity_digest;
    std::string host;
    long pid = 0;
    std::chrono::seconds age{0};  // since the last heartbeat
};

std::optional<Owner> read_owner(const fs::path& file) {
    try {
        const json text = json::parse(read_file_text(file));
        struct stat info {};
        if (::stat(file.c_str(), &info) != 0)
            return std::nullopt;
        const auto age = std::chrono::system_clock::now() -
                         std::chrono::system_clock::from_time_t(info.st_mtime);
        return Owner{text.at("identity_sha256").get<std::string>(),
                     text.at("host").get<std::string>(), text.at("pid").get<long>(),
                     std::chrono::duration_cast<std::chrono::seconds>(age)};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

int open_lock_file(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        fail("{}: cannot open: {}", path.string(), std::strerror(errno));
    return fd;
}

// The claim lock, held on the file that is at `path` now (a folder removed and made again in
// between would leave a lock on a file nobody else sees).
int lock_claim_file(const fs::path& dir) {
    for (;;) {
        fs::create_directories(dir);
        const int fd = open_lock_file(dir / kClaimFile);
        if (::flock(fd, LOCK_EX) != 0) {
            ::close(fd);
            fail("{}: cannot lock: {}", (dir / kClaimFile).string(), std::strerror(errno));
        }
        struct stat held {
        }, named{};
        if (::fstat(fd, &held) == 0 && ::stat((dir / kClaimFile).c_str(), &named) == 0 &&
            held.st_ino == named.st_ino && held.st_dev == named.st_dev)
            return fd;
        ::close(fd);
    }
}
}  // namespace

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0)
        return "unknown";
    return name;
}

bool is_owner_file(const std::string& name) {
    return name.starts_with("owner.");
}

OutputOwner OutputOwner::claim(const fs::path& work_dir, const std::string& identity_digest,
                               JoinPolicy policy) {
    const int claim_fd = lock_claim_file(work_dir);
    const fs::path owner_file = work_dir / kOwnerFile;
    int lock_fd = -1;
    try {
        lock_fd = open_lock_file(work_dir / kLockFile);
        const auto owner = read_owner(owner_file);
        const std::string host = host_name();
        const bool elsewhere_alive = owner && owner->host != host && owner->age < kHeartbeatFresh;
        if (!elsewhere_alive && ::flock(lock_fd, LOCK_EX | LOCK_NB) == 0) {
            if (owner && (owner->pid != ::getpid() || owner->host != host))
                log::info("{}: taking over from a render that stopped (pid {} on {})",
                          work_dir.string(), owner->pid, owner->host);
            const json text = {{"identity_sha256", identity_digest},
                               {"host", host},
                               {"pid", static_cast<long>(::getpid())}};
            write_file_atomic(owner_file, text.dump(1) + "\n");
            ::flock(lock_fd, LOCK_SH);  // others of the same render may join from now on
            ::close(claim_fd);
            return OutputOwner(owner_file, lock_fd, false);
        }
        if (!owner)
            fail("{}: another process is rendering into it and its owner file is unreadable",
                 work_dir.string());
        const bool same = owner->identity_digest == identity_digest;
        if (!same || policy == JoinPolicy::refuse)
            fail(
                "{}: {} is rendering into it (pid {} on {}); wait for it to finish or choose "
                "another output",
                work_dir.string(), same ? "the same render" : "another render", owner->pid,
                owner->host);
        ::flock(lock_fd, LOCK_SH);
        ::close(claim_fd);
        return OutputOwner(owner_file, lock_fd, true);
    } catch (...) {
        if (lock_fd >= 0)
            ::close(lock_fd);
        ::close(claim_fd);
        throw;
    }
}

OutputOwner::OutputOwner(fs::path owner_file, int lock_fd, bool joined)
    : owner_file_(std::move(owner_file)), lock_fd_(lock_fd), joined_(joined) {
    heartbeat_ = std::thread([this] { keep_heartbeat(); });
}

OutputOwner::OutputOwner(OutputOwner&& other) noexcept
    : owner_file_(other.owner_file_), lock_fd_(other.lock_fd_), joined_(other.joined_) {
    // The heartbeat thread refers to its object: stop the other's and start our own.
    {
        std::lock_guard lock(other.mutex_);
        other.stopping_ = true;
    }
    other.stop_.notify_all();
    if (other.heartbeat_.joinable())
        other.heartbeat_.join();
    other.lock_fd_ = -1;
    heartbeat_ = std::thread([this] { keep_heartbeat(); });
}

OutputOwner::~OutputOwner() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_.notify_all();
    if (heartbeat_.joinable())
        heartbeat_.join();
    if (lock_fd_ >= 0)
        ::close(lock_fd_);  // releases the flock
}

void OutputOwner::keep_heartbeat() {
    std::unique_lock lock(mutex_);
    while (!stop_.wait_for(lock, kHeartbeatEvery, [&] { return stopping_; }))
        ::utimensat(AT_FDCWD, owner_file_.c_str(), nullptr, 0);  // best effort
}

}  // namespace bgv::render
