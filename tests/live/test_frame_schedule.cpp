// Frames held until their presentation time: the window (and the camera output) show the newest
// frame that is due and count the older ones they skip.
#include <gtest/gtest.h>

#include "live/frame_schedule.h"

using namespace bgv::live;
using namespace std::chrono_literals;

namespace {

LiveFrame frame_at(std::int64_t index, Clock::time_point time) {
    LiveFrame frame;
    frame.index = index;
    frame.presentation_time = time;
    return frame;
}

TEST(FrameSchedule, HoldsFramesUntilTheyAreDue) {
    const Clock::time_point t0{};
    FrameSchedule schedule;
    schedule.add(frame_at(0, t0 + 10ms));
    EXPECT_FALSE(schedule.take_due(t0 + 9ms));
    EXPECT_EQ(schedule.next_due(), t0 + 10ms);
    const auto due = schedule.take_due(t0 + 10ms);
    ASSERT_TRUE(due);
    EXPECT_EQ(due->index, 0);
    EXPECT_FALSE(schedule.next_due());
    EXPECT_EQ(schedule.skipped(), 0);
}

TEST(FrameSchedule, TheNewestDueFrameWinsAndTheOthersAreCounted) {
    const Clock::time_point t0{};
    FrameSchedule schedule;
    for (int i = 0; i < 4; ++i)
        schedule.add(frame_at(i, t0 + i * 40ms));
    const auto due = schedule.take_due(t0 + 90ms);  // frames 0, 1, 2 are due
    ASSERT_TRUE(due);
    EXPECT_EQ(due->index, 2);
    EXPECT_EQ(schedule.skipped(), 2);
    EXPECT_EQ(schedule.waiting(), 1u);
    EXPECT_EQ(schedule.next_due(), t0 + 120ms);
}

TEST(FrameSchedule, BeyondItsCapacityTheEarliestIsDropped) {
    const Clock::time_point t0{};
    FrameSchedule schedule(2);
    for (int i = 0; i < 5; ++i)
        schedule.add(frame_at(i, t0 + i * 1s));
    EXPECT_EQ(schedule.skipped(), 3);
    EXPECT_EQ(schedule.take_due(t0 + 1h)->index, 4);
    EXPECT_EQ(schedule.skipped(), 4);
}

}  // namespace
