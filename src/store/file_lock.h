// store/file_lock: an exclusive advisory lock (flock) on a lock file, so that two bigganviz
// processes never download into the same cache file at once. Released when destroyed.
#pragma once

#include <filesystem>
#include <functional>

namespace bgv::store {

class FileLock {
  public:
    // Blocks until the lock is held. `on_wait` runs once if another holder makes us wait (to
    // tell the user why nothing happens).
    explicit FileLock(const std::filesystem::path& path,
                      const std::function<void()>& on_wait = nullptr);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

  private:
    int fd_ = -1;
};

}  // namespace bgv::store
