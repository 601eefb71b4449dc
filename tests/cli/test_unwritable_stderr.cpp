// Issue 11, item 5: `bigganviz render ... 2>/dev/full` (or with stderr closed) exited 1 at its
// first progress line. A render run as a program with such a stderr completes and writes its
// video; progress is a courtesy.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/process.h"

namespace {

namespace fs = std::filesystem;

const fs::path kProgram = fs::path(BGV_BINARY_DIR) / "src/cli/bigganviz";
const fs::path kSong = fs::path(BGV_TEST_DATA) / "render/data/short_0p3s.wav";
const fs::path kModel = fs::path(BGV_TEST_DATA) / "model/biggan/data/tiny128";

TEST(UnwritableStderr, ARenderCompletesWithStderrFullOrClosed) {
    const fs::path dir = bgv::test::fresh_temp_dir("unwritable_stderr");
    for (const std::string redirect : {"2>/dev/full", "2>&-"}) {
        SCOPED_TRACE(redirect);
        fs::remove_all(dir / "out.mp4");
        const auto result =
            bgv::test::run_command("cd '" + dir.string() + "' && '" + kProgram.string() + "' -s '" +
                                   kSong.string() + "' --weights '" + kModel.string() +
                                   "' --seed 3 -bs 4 --threads 1 -o out.mp4 " + redirect);
        EXPECT_EQ(result.exit_code, 0);
        ASSERT_TRUE(fs::exists(dir / "out.mp4"));
        EXPECT_GT(fs::file_size(dir / "out.mp4"), 1000u);
    }
    fs::remove_all(dir);
}

}  // namespace
