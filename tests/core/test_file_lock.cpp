// core/file_lock: exclusion between descriptors and processes, shared holders, the holder's record
// as a waiter sees it, and a lock whose path was replaced or whose folder was removed while it
// waited. Every wait is driven by the lock's own on_wait event (no sleeps): the other holder is a
// forked child that takes the lock, says so through a pipe and releases it when told.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "core/file.h"
#include "core/file_lock.h"
#include "core/host.h"
#include "support/errors.h"
#include "support/process.h"

using bgv::FileLock;
namespace fs = std::filesystem;

namespace {

ino_t inode_of(const fs::path& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_ino;
}

// A child process holding the lock on `path` until released.
class OtherHolder {
  public:
    explicit OtherHolder(const fs::path& path) {
        int ready[2], go[2];
        EXPECT_EQ(::pipe(ready), 0);
        EXPECT_EQ(::pipe(go), 0);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(ready[0]);
            ::close(go[1]);
            int code = 0;
            try {
                const auto lock = FileLock::take(path);
                char byte = 'x';
                code = ::write(ready[1], &byte, 1) == 1 && ::read(go[0], &byte, 1) == 1 ? 0 : 2;
            } catch (...) {
                code = 3;
            }
            ::_exit(code);
        }
        ::close(ready[1]);
        ::close(go[0]);
        go_ = go[1];
        char byte;
        EXPECT_EQ(::read(ready[0], &byte, 1), 1) << "the other holder did not take the lock";
        ::close(ready[0]);
    }
    ~OtherHolder() { release(); }

    pid_t pid() const { return pid_; }
    // Tells the child to release the lock and waits for it to end; its exit code.
    int release() {
        if (go_ < 0)
            return exit_code_;
        char byte = 'x';
        EXPECT_EQ(::write(go_, &byte, 1), 1);
        ::close(go_);
        go_ = -1;
        int status = 0;
        ::waitpid(pid_, &status, 0);
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return exit_code_;
    }

  private:
    pid_t pid_ = -1;
    int go_ = -1;
    int exit_code_ = -1;
};

}  // namespace

TEST(FileLock, ExcludesAnotherDescriptorUntilReleased) {
    const fs::path path = bgv::test::fresh_temp_dir("file_lock_exclusive") / "a.lock";
    {
        const auto first = FileLock::take(path);
        ASSERT_TRUE(first.has_value());
        EXPECT_EQ(first->path(), path);
        EXPECT_FALSE(FileLock::take(path, {.wait = false}).has_value());
        EXPECT_FALSE(FileLock::take(path, {.mode = FileLock::Mode::shared, .wait = false}));
    }
    EXPECT_TRUE(FileLock::take(path, {.wait = false}).has_value());
}

TEST(FileLock, SharedHoldersExcludeOnlyAnExclusiveOne) {
    const fs::path path = bgv::test::fresh_temp_dir("file_lock_shared") / "a.lock";
    auto owner = FileLock::take(path);
    ASSERT_TRUE(owner.has_value());
    EXPECT_FALSE(FileLock::take(path, {.mode = FileLock::Mode::shared, .wait = false}));
    owner->share();
    const auto joined = FileLock::take(path, {.mode = FileLock::Mode::shared, .wait = false});
    EXPECT_TRUE(joined.has_value());
    EXPECT_FALSE(FileLock::take(path, {.wait = false}).has_value());
}

TEST(FileLock, RecordsItsHolderUntilReleased) {
    const fs::path path = bgv::test::fresh_temp_dir("file_lock_record") / "a.lock";
    EXPECT_FALSE(bgv::read_lock_holder(path).has_value());  // no file
    {
        const auto lock = FileLock::take(path);
        const auto holder = bgv::read_lock_holder(path);
        ASSERT_TRUE(holder.has_value());
        EXPECT_EQ(holder->pid, ::getpid());
        EXPECT_EQ(holder->host, bgv::host_name());
        EXPECT_EQ(holder->text(), fmt::format("pid {} on {}", ::getpid(), bgv::host_name()));
    }
    EXPECT_FALSE(bgv::read_lock_holder(path).has_value());
    // Without a record, the lock file is left as it was.
    bgv::write_file_atomic(path, "as it was");
    { const auto lock = FileLock::take(path, {.record_holder = false}); }
    EXPECT_EQ(bgv::read_file_text(path), "as it was");
}

TEST(FileLock, AWaiterIsToldWhoHoldsItThenGetsIt) {
    const fs::path path = bgv::test::fresh_temp_dir("file_lock_wait") / "a.lock";
    OtherHolder other(path);
    int waits = 0;
    std::optional<bgv::LockHolder> told;
    const auto lock = FileLock::take(path, {.on_wait = [&](const auto& holder) {
                                         ++waits;
                                         told = holder;
                                         other.release();
                                     }});
    ASSERT_TRUE(lock.has_value());
    EXPECT_EQ(waits, 1);
    ASSERT_TRUE(told.has_value());
    EXPECT_EQ(told->pid, other.pid());
    EXPECT_EQ(told->host, bgv::host_name());
    EXPECT_EQ(other.release(), 0);
    // Without waiting, a held lock is nothing and on_wait is not called.
    OtherHolder again(path.parent_path() / "b.lock");
    EXPECT_FALSE(FileLock::take(path.parent_path() / "b.lock",
                                {.wait = false, .on_wait = [&](const auto&) { ++waits; }}));
    EXPECT_EQ(waits, 1);
}

// The file under the name is replaced while a waiter sleeps in the old one's lock (a work folder
// emptied by a fresh start): retry locks the new file, give_up gives nothing.
TEST(FileLock, AReplacedFileIsLockedAgainOrGivenUp) {
    const fs::path dir = bgv::test::fresh_temp_dir("file_lock_replaced");
    const fs::path path = dir / "a.lock";
    const auto replace_then_release = [&](OtherHolder& other) {
        return [&](const std::optional<bgv::LockHolder>&) {
            bgv::write_file_atomic(path, "");  // a new file under the name
            other.release();
        };
    };
    {
        OtherHolder other(path);
        const ino_t old_inode = inode_of(path);
        const auto lock = FileLock::take(path, {.on_wait = replace_then_release(other)});
        ASSERT_TRUE(lock.has_value());
        EXPECT_NE(inode_of(path), old_inode);
        // The lock is on the file the name holds now: another descriptor of it is refused.
        EXPECT_FALSE(FileLock::take(path, {.wait = false}).has_value());
    }
    {
        OtherHolder other(path);
        EXPECT_FALSE(FileLock::take(path, {.when_moved = FileLock::WhenMoved::give_up,
                                           .on_wait = replace_then_release(other)}));
    }
}

// The folder goes while a waiter sleeps (the job ended elsewhere): give_up gives nothing and makes
// nothing; retry with make_folder makes the folder again and locks a new file there.
TEST(FileLock, ARemovedFolderIsGivenUpOrMadeAgain) {
    const fs::path dir = bgv::test::fresh_temp_dir("file_lock_folder") / "job";
    const fs::path path = dir / "a.lock";
    fs::create_directories(dir);
    const auto remove_then_release = [&](OtherHolder& other) {
        return [&](const std::optional<bgv::LockHolder>&) {
            fs::remove_all(dir);
            other.release();
        };
    };
    {
        OtherHolder other(path);
        EXPECT_FALSE(FileLock::take(path, {.when_moved = FileLock::WhenMoved::give_up,
                                           .on_wait = remove_then_release(other)}));
        EXPECT_FALSE(fs::exists(dir));
        EXPECT_FALSE(FileLock::take(path, {.when_moved = FileLock::WhenMoved::give_up}));
        EXPECT_FALSE(fs::exists(dir));
    }
    fs::create_directories(dir);
    {
        OtherHolder other(path);
        const auto lock =
            FileLock::take(path, {.make_folder = true, .on_wait = remove_then_release(other)});
        ASSERT_TRUE(lock.has_value());
        EXPECT_TRUE(fs::exists(path));
        EXPECT_EQ(bgv::read_lock_holder(path)->pid, ::getpid());
    }
}

TEST(FileLock, AnUnreachableFolderIsAnErrorNamingThePath) {
    const fs::path path = bgv::test::fresh_temp_dir("file_lock_error") / "missing" / "a.lock";
    EXPECT_EQ(bgv::test::error_of([&] { FileLock::take(path); }),
              path.string() + ": cannot open the lock file: No such file or directory");
    EXPECT_EQ(bgv::test::error_of([&] { FileLock::take("/proc/a.lock", {.make_folder = true}); }),
              "/proc/a.lock: cannot open the lock file: No such file or directory");
}
