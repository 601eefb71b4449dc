#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "core/log.h"
#include "core/progress.h"

namespace {

// Everything written to `stream` so far.
std::string contents(std::FILE* stream) {
    std::fflush(stream);
    std::rewind(stream);
    std::string text;
    char buffer[256];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, stream)) > 0)
        text.append(buffer, n);
    return text;
}

}  // namespace

TEST(Progress, APlainStreamGetsOneFinalLineWithCountAndPercentage) {
    std::FILE* stream = std::tmpfile();
    ASSERT_NE(stream, nullptr);
    {
        bgv::Progress progress("render", 10, bgv::Progress::Unit::items, "frames", stream);
        EXPECT_NE(progress.line(3).find("render: 3/10 frames"), std::string::npos);
        EXPECT_NE(progress.line(3).find("(30%)"), std::string::npos);
        progress.update(10);
        progress.finish();
        progress.finish();  // a second finish writes nothing
    }
    const std::string text = contents(stream);
    EXPECT_TRUE(text.starts_with("render: 10/10 frames")) << text;
    EXPECT_NE(text.find("(100%)"), std::string::npos) << text;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
    std::fclose(stream);
}

TEST(Progress, QuietShowsNothing) {
    std::FILE* stream = std::tmpfile();
    ASSERT_NE(stream, nullptr);
    bgv::log::set_level(bgv::log::Level::warn);
    {
        bgv::Progress progress("fetch", 1000, bgv::Progress::Unit::bytes, "bytes", stream);
        progress.update(1000);
        progress.finish();
    }
    bgv::log::set_level(bgv::log::Level::info);
    EXPECT_EQ(contents(stream), "");
    std::fclose(stream);
}

TEST(Progress, BytesAndDurationsReadAsAPersonWritesThem) {
    EXPECT_EQ(bgv::format_bytes(999), "999 B");
    EXPECT_EQ(bgv::format_bytes(225'000'000), "225.0 MB");
    EXPECT_EQ(bgv::format_duration(185), "3:05");
    EXPECT_EQ(bgv::format_duration(3723), "1:02:03");
}

// Issue 11, item 5: `2>/dev/full` ended a render at its first progress line. A stream that
// refuses every write loses the text and nothing else. (tests/cli runs the program itself with
// stderr on /dev/full and closed.)
TEST(Progress, AStreamThatCannotBeWrittenIsIgnored) {
    std::FILE* full = std::fopen("/dev/full", "w");
    ASSERT_NE(full, nullptr);
    std::setvbuf(full, nullptr, _IONBF, 0);
    {
        bgv::Progress progress("render", 10, bgv::Progress::Unit::items, "frames", full);
        EXPECT_NO_THROW(progress.update(5));
        EXPECT_NO_THROW(progress.update(10));
        EXPECT_NO_THROW(progress.finish());
    }
    EXPECT_NO_THROW(bgv::log::write_ignoring_errors(full, "a warning\n"));
    EXPECT_EQ(std::ferror(full), 0);  // cleared, so later writes are tried again
    std::fclose(full);
}
