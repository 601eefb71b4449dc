#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "core/file.h"

namespace fs = std::filesystem;

TEST(AtomicFile, NothingAppearsWithoutCommit) {
    const fs::path target = fs::temp_directory_path() / "bgv_atomic_test.txt";
    fs::remove(target);
    {
        bgv::AtomicFile file(target);
        file.write("half");
        EXPECT_TRUE(fs::exists(file.temp_path()));
        EXPECT_FALSE(fs::exists(target));
    }
    EXPECT_FALSE(fs::exists(target));
    for (const auto& entry : fs::directory_iterator(target.parent_path())) {
        EXPECT_FALSE(entry.path().filename().string().starts_with("bgv_atomic_test.txt.tmp"));
    }
    bgv::write_file_atomic(target, "whole");
    EXPECT_EQ(bgv::read_file_text(target), "whole");
    fs::remove(target);
}

TEST(ReadFile, DirectoryAndMissingFileAreErrors) {
    EXPECT_THROW(bgv::read_file_bytes(fs::temp_directory_path()), bgv::Error);
    EXPECT_THROW(bgv::read_file_bytes("/nonexistent/bgv/file"), bgv::Error);
}

// Issue 11, item 6: `--lyrics /dev/zero` grew to 15.7 GB before std::bad_alloc. Every whole-file
// read refuses what is not a regular file, and a file above its bound, before reading a byte.
TEST(ReadFile, RefusesDevicesAndPipesInOneLine) {
    const std::string error = [] {
        try {
            bgv::read_file_text("/dev/zero");
        } catch (const bgv::Error& e) {
            return std::string(e.what());
        }
        return std::string("(read)");
    }();
    EXPECT_EQ(error, "/dev/zero: is a character device, expected a file");

    const fs::path fifo = fs::temp_directory_path() / ("bgv_fifo_" + std::to_string(::getpid()));
    fs::remove(fifo);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    try {
        bgv::check_readable_file(fifo, 1000, "lyrics file");
        ADD_FAILURE() << "a FIFO was accepted";
    } catch (const bgv::Error& e) {
        EXPECT_EQ(std::string(e.what()), fifo.string() + ": is a pipe, expected a lyrics file");
    }
    fs::remove(fifo);
}

TEST(ReadFile, RefusesAFileAboveItsBound) {
    const fs::path path = fs::temp_directory_path() / ("bgv_big_" + std::to_string(::getpid()));
    bgv::write_file_atomic(path, std::string(2000, 'a'));
    EXPECT_EQ(bgv::read_file_text(path, 2000).size(), 2000u);
    try {
        bgv::read_file_bytes(path, 1000);
        ADD_FAILURE() << "a file above the bound was read";
    } catch (const bgv::Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  path.string() + ": is 2000 bytes, more than the 1000 bytes a file may have");
    }
    fs::remove(path);
}
