// Which frames of the grid a live session asks of its generator: every one when it keeps up; when
// it is slower than the grid, only those it can finish by their time, and not one that would keep
// it from the next beat's frame.
#include <gtest/gtest.h>

#include "live/frame_ask.h"

using namespace bgv::live;
using namespace std::chrono_literals;

namespace {

// 24 fps (41.667 ms), a frame stepped at 1000 ms, due one frame's making (plus 3 ms) later.
AskMoment moment(Clock::duration frame_time, Clock::duration busy_for) {
    const Clock::time_point now = Clock::time_point{} + 1000ms;
    return {.now = now,
            .frame_period = 41667us,
            .frame_time = frame_time,
            .free_at = now + busy_for,
            .due = now + frame_time + 3ms};
}

}  // namespace

TEST(FrameAsk, AGeneratorThatKeepsUpIsAskedEveryFrame) {
    // 35 ms a frame, still busy for 30 ms: the frame will be late, and is asked for all the same
    // (shown when made).
    EXPECT_TRUE(ask_for_frame(moment(35ms, 30ms)));
    AskMoment beat_next = moment(35ms, 0ms);
    beat_next.next_kick_due = beat_next.due + 41667us;
    EXPECT_TRUE(ask_for_frame(beat_next));
}

TEST(FrameAsk, ASlowerOneIsAskedOnlyTheFramesItCanMakeInTime) {
    // 80 ms a frame: idle, or free within the margin and the 5 ms allowed, it is asked.
    EXPECT_TRUE(ask_for_frame(moment(80ms, 0ms)));
    EXPECT_TRUE(ask_for_frame(moment(80ms, 8ms)));
    // Still busy for 9 ms or more, the frame would be shown late: not asked (the next one is).
    EXPECT_FALSE(ask_for_frame(moment(80ms, 9ms)));
    EXPECT_FALSE(ask_for_frame(moment(80ms, 40ms)));
}

TEST(FrameAsk, TheFrameOfABeatComesFirst) {
    // Idle, but the next frame kicks on a beat: made, this one would be done at 1080 ms, after
    // the beat's frame (due at 1124.7 ms) must start (1044.7 ms): not asked, so that the beat's
    // frame is made on time.
    AskMoment m = moment(80ms, 0ms);
    m.next_kick_due = m.due + 41667us;
    EXPECT_FALSE(ask_for_frame(m));
    // The beat's own frame is asked.
    m.kicks = true;
    EXPECT_TRUE(ask_for_frame(m));
    // A beat two frames ahead leaves time for this frame first: its frame must start by
    // 1086.3 ms.
    m.kicks = false;
    m.next_kick_due = m.due + 2 * 41667us;
    EXPECT_TRUE(ask_for_frame(m));
}

TEST(FrameAsk, TheFirstFrameAskedOfAGeneratorFreeLater) {
    const Clock::time_point next_due = Clock::time_point{} + 1000ms;
    const Clock::duration period = 41667us;
    // One that keeps up is asked the grid's next frame, however busy it is.
    EXPECT_EQ(first_due_asked(next_due, period, 35ms, next_due), next_due);
    // 80 ms a frame: free 85 ms before the grid's next frame is due, it can make it (5 ms late
    // at most); free later, the first frame it can finish on time, one or two periods on.
    EXPECT_EQ(first_due_asked(next_due, period, 80ms, next_due - 85ms), next_due);
    EXPECT_EQ(first_due_asked(next_due, period, 80ms, next_due - 75ms), next_due);
    EXPECT_EQ(first_due_asked(next_due, period, 80ms, next_due - 74ms), next_due + period);
    EXPECT_EQ(first_due_asked(next_due, period, 80ms, next_due), next_due + 2 * period);
    // The same rule as ask_for_frame's: the frame it finds is asked for, the one before it not.
    const Clock::time_point now = next_due - 90ms;
    const Clock::time_point free = next_due + 10ms;
    const Clock::time_point found = first_due_asked(next_due, period, 80ms, free);
    AskMoment m{.now = now, .frame_period = period, .frame_time = 80ms, .free_at = free};
    m.due = found;
    EXPECT_TRUE(ask_for_frame(m));
    m.due = found - period;
    EXPECT_FALSE(ask_for_frame(m));
}
