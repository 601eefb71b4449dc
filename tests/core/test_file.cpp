#include <gtest/gtest.h>

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
