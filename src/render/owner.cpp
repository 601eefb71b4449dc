#include "render/owner.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/error.h"
#include "core/file.h"
#include "core/file_lock.h"
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
    // Claims are serialised by the claim lock, held on the file that is at its path now (a folder
    // removed and made again in between would leave a lock on a file nobody else sees).
    // A refused claim leaves every file as it was, the claim lock's too: it records no holder.
    const auto claim_lock =
        FileLock::take(work_dir / kClaimFile, {.make_folder = true, .record_holder = false});
    const fs::path owner_file = work_dir / kOwnerFile;
    const auto owner = read_owner(owner_file);
    const std::string host = host_name();
    const bool elsewhere_alive = owner && owner->host != host && owner->age < kHeartbeatFresh;
    if (!elsewhere_alive) {
        if (auto lock = FileLock::take(work_dir / kLockFile, {.wait = false})) {
            if (owner && (owner->pid != ::getpid() || owner->host != host))
                log::info("{}: taking over from a render that stopped (pid {} on {})",
                          work_dir.string(), owner->pid, owner->host);
            const json text = {{"identity_sha256", identity_digest},
                               {"host", host},
                               {"pid", static_cast<long>(::getpid())}};
            write_file_atomic(owner_file, text.dump(1) + "\n");
            lock->share();  // others of the same render may join from now on
            return OutputOwner(owner_file, std::move(*lock), false);
        }
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
    auto lock = FileLock::take(work_dir / kLockFile, {.mode = FileLock::Mode::shared});
    return OutputOwner(owner_file, std::move(*lock), true);
}

OutputOwner::OutputOwner(fs::path owner_file, FileLock lock, bool joined)
    : owner_file_(std::move(owner_file)), lock_(std::move(lock)), joined_(joined) {
    heartbeat_ = std::thread([this] { keep_heartbeat(); });
}

OutputOwner::OutputOwner(OutputOwner&& other) noexcept
    : owner_file_(other.owner_file_), joined_(other.joined_) {
    // The heartbeat thread refers to its object: stop the other's and start our own.
    {
        std::lock_guard lock(other.mutex_);
        other.stopping_ = true;
    }
    other.stop_.notify_all();
    if (other.heartbeat_.joinable())
        other.heartbeat_.join();
    lock_ = std::move(other.lock_);
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
}  // lock_ is released with the object

void OutputOwner::keep_heartbeat() {
    std::unique_lock lock(mutex_);
    while (!stop_.wait_for(lock, kHeartbeatEvery, [&] { return stopping_; }))
        ::utimensat(AT_FDCWD, owner_file_.c_str(), nullptr, 0);  // best effort
}

}  // namespace bgv::render
