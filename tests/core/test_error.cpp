#include <gtest/gtest.h>

#include "core/error.h"

TEST(Error, ContextIsPrependedOnTheWayOut) {
    try {
        bgv::with_context("loading model.bin", [] {
            bgv::with_context("key generator.gen_z.bias",
                              [] { bgv::fail("expected {}, got {}", 3, 4); });
        });
        FAIL() << "no exception";
    } catch (const std::exception& e) {
        EXPECT_EQ(bgv::describe(e),
                  "loading model.bin: key generator.gen_z.bias: expected 3, got 4");
        EXPECT_FALSE(bgv::is_usage_error(e));
    }
}

TEST(Error, UsageErrorsStayUsageErrors) {
    try {
        bgv::with_context("render", [] { bgv::fail_usage("-ps 10: not allowed"); });
        FAIL() << "no exception";
    } catch (const std::exception& e) {
        EXPECT_TRUE(bgv::is_usage_error(e));
        EXPECT_EQ(bgv::describe(e), "render: -ps 10: not allowed");
    }
}

TEST(Error, WithContextReturnsTheValue) {
    EXPECT_EQ(bgv::with_context("x", [] { return 42; }), 42);
}

// Issue 11, item 14: "X: X: ..." when a reader names its file and the caller adds the same name
// as context (`--lyrics /dev/zero` read "/dev/zero: /dev/zero: is a character device").
TEST(Error, ContextThatTheCauseAlreadyStartsWithIsSaidOnce) {
    try {
        bgv::with_context("/dev/zero", [] {
            bgv::with_context("/dev/zero", [] { bgv::fail("/dev/zero: is a character device"); });
        });
        FAIL() << "no exception";
    } catch (const std::exception& e) {
        EXPECT_EQ(bgv::describe(e), "/dev/zero: is a character device");
    }
    try {
        bgv::with_context("song.lrc", [] { bgv::fail("song.lrcx: not the same name"); });
        FAIL() << "no exception";
    } catch (const std::exception& e) {
        EXPECT_EQ(bgv::describe(e), "song.lrc: song.lrcx: not the same name");
    }
}
