// core/log: the capture tests use to read what a user is told: every message of every thread, with
// its level, in order; nested captures; messages below the level never reach it.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "core/log.h"

namespace bgv {
namespace {
// Restores the level a test changes.
struct LevelGuard {
    log::Level saved = log::level();
    ~LevelGuard() { log::set_level(saved); }
};
}  // namespace

TEST(LogCapture, HoldsEachMessageWithItsLevelInOrder) {
    const LevelGuard guard;
    log::set_level(log::Level::info);
    const log::Capture capture;
    log::info("reading {}", "song.wav");
    log::warn("{} frames short", 3);
    log::debug("not shown at info");
    log::write(log::Level::error, "gave up");
    EXPECT_EQ(capture.messages(),
              (std::vector<std::string>{"reading song.wav", "3 frames short", "gave up"}));
    EXPECT_EQ(capture.messages(log::Level::warn), (std::vector<std::string>{"3 frames short"}));
    EXPECT_EQ(capture.text(), "reading song.wav\nwarning: 3 frames short\nerror: gave up\n");
    EXPECT_EQ(capture.count("frames"), 1U);
    EXPECT_EQ(capture.count("frames", log::Level::info), 0U);
    ASSERT_EQ(capture.records().size(), 3U);
    EXPECT_EQ(capture.records()[1].level, log::Level::warn);
}

TEST(LogCapture, TheNewestCaptureGetsTheMessagesUntilItEnds) {
    const LevelGuard guard;
    log::set_level(log::Level::info);
    const log::Capture outer;
    log::info("first");
    {
        const log::Capture inner;
        log::info("second");
        EXPECT_EQ(inner.messages(), (std::vector<std::string>{"second"}));
    }
    log::info("third");
    EXPECT_EQ(outer.messages(), (std::vector<std::string>{"first", "third"}));
}

TEST(LogCapture, TakesEveryThreadsMessages) {
    const LevelGuard guard;
    log::set_level(log::Level::info);
    const log::Capture capture;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([t] {
            for (int i = 0; i < 100; ++i)
                log::info("thread {} message {}", t, i);
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(capture.records().size(), 400U);
    for (int t = 0; t < 4; ++t)
        EXPECT_EQ(capture.count(fmt::format("thread {} message", t)), 100U) << t;
}

TEST(LogCapture, MessagesBelowTheLevelNeverReachIt) {
    const LevelGuard guard;
    log::set_level(log::Level::warn);
    const log::Capture capture;
    log::info("an info line");
    log::warn("a warning");
    EXPECT_EQ(capture.messages(), (std::vector<std::string>{"a warning"}));
}

}  // namespace bgv
