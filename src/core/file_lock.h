// core/file_lock: the program's one file lock. An flock on a lock file, checked once held to still
// be the file under its name, that records who holds it (host and pid) for whoever must wait.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace bgv {

// Who holds a lock, as its lock file records it.
struct LockHolder {
    std::string host;
    long pid = 0;

    std::string text() const;  // "pid 4711 on node12"
};

// An flock is released when its descriptor is closed, however the process ends (the kernel, or
// the NFS server when the client's lease ends, drops it), so a dead holder never blocks anyone.
// Each FileLock opens its own descriptor: threads of one process exclude each other as processes
// do. A lock taken on a file that was removed or replaced meanwhile (its folder emptied by a fresh
// start, or removed once a job ended) guards nothing, so every lock is checked once held: the
// descriptor's inode must be the one the path names.
class FileLock {
  public:
    enum class Mode { exclusive, shared };
    enum class WhenMoved {
        retry,   // lock what the path names now (opening, or creating, it again)
        give_up  // nothing: the path's folder went away or was replaced (its job is over)
    };
    struct Options {
        Mode mode = Mode::exclusive;
        // Sleep until the lock is held; false: nothing at once when another holds it.
        bool wait = true;
        WhenMoved when_moved = WhenMoved::retry;
        // Make the lock file's folder when it is missing (retry only).
        bool make_folder = false;
        // Write this process's record into the lock file once held (exclusive locks only; the
        // record goes when the lock is released). Off for a lock held for an instant whose file
        // must not change.
        bool record_holder = true;
        // Runs once, before sleeping, when another process holds the lock: with the holder's
        // record when it wrote one (an exclusive holder does, once it holds the lock).
        std::function<void(const std::optional<LockHolder>& holder)> on_wait;
    };

    // Opens (creating) the lock file at `path` and locks it. Nothing when `options.wait` is false
    // and another holds it, or when the path stopped naming the file (WhenMoved::give_up; a
    // missing folder counts as stopped). Throws bgv::Error naming the path when the file cannot be
    // opened or the file system refuses locks.
    static std::optional<FileLock> take(const std::filesystem::path& path, const Options& options);
    static std::optional<FileLock> take(const std::filesystem::path& path) {
        return take(path, Options{});
    }

    // An exclusive holder lets others share the lock from now on (flock converts the lock; the
    // conversion is not atomic, so a caller serialises it with another lock when that matters).
    void share();

    const std::filesystem::path& path() const { return path_; }

    ~FileLock();
    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

  private:
    FileLock(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
    void release();

    std::filesystem::path path_;
    int fd_ = -1;
    bool recorded_ = false;  // this holder wrote the file's record
};

// The holder recorded in the lock file at `path`: nothing when there is no readable record (no
// exclusive holder, or one that has only just taken it). A holder that was killed leaves its
// record until the next one writes its own.
std::optional<LockHolder> read_lock_holder(const std::filesystem::path& path);

}  // namespace bgv
