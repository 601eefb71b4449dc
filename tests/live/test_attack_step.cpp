// What the session does when an attack is heard between two frames of its grid: the next frame
// due as soon as the generator can make it; for a slow generator, the frame it is making given up,
// but never a locked beat's, never for a frame that would come too long after the one before.
#include <gtest/gtest.h>

#include "live/attack_step.h"

using namespace bgv::live;
using namespace std::chrono_literals;

namespace {

// 24 fps (a 41.667 ms period; whole microseconds here), frame 10 due at 1000 ms; the attack is
// heard at `now`.
AttackMoment moment(Clock::duration now, Clock::duration frame_time) {
    const Clock::time_point t0{};
    const Clock::duration period = 41667us;
    return {.now = t0 + now,
            .frame_period = period,
            .frame_time = frame_time,
            .next_due = t0 + 1000ms + period,
            .last_due = t0 + 1000ms,
            .before_last_due = t0 + 1000ms - period};
}

}  // namespace

TEST(AttackStep, AFastGeneratorShowsTheAttackAsSoonAsItCanMakeIt) {
    // 15 ms a frame: the attack heard at 990 ms is due at 1005 ms, 36.7 ms before the grid's.
    const AttackStep step = attack_step(moment(990ms, 15ms));
    EXPECT_FALSE(step.give_up_last);
    EXPECT_EQ(step.advance, 1041667us - 1005ms);
    // Heard earlier, it still comes after the frame stepped last (1 ms after it).
    EXPECT_EQ(attack_step(moment(960ms, 15ms)).advance, 1041667us - 1001ms);
    // Heard so late that it gains less than 5 ms: nothing changes.
    EXPECT_EQ(attack_step(moment(1023ms, 15ms)).advance, 0us);
    // A frame already waits for the generator: it goes first.
    AttackMoment waiting = moment(990ms, 15ms);
    waiting.waiting = true;
    EXPECT_EQ(attack_step(waiting).advance, 0us);
}

TEST(AttackStep, ASlowGeneratorGivesUpTheFrameItIsMaking) {
    // 35 ms a frame, more than half the period: making the frame due at 1000 ms (done at 993 ms)
    // when the attack is heard at 970 ms. Given up, the attack's takes its place, due at 1005 ms,
    // 23 ms earlier than after that frame (1028 ms).
    AttackMoment m = moment(970ms, 35ms);
    m.making_last = true;
    m.free_at = Clock::time_point{} + 993ms;
    const AttackStep step = attack_step(m);
    EXPECT_TRUE(step.give_up_last);
    EXPECT_EQ(step.advance, 1041667us - 1005ms);
    // Between two frames it starts the attack's at once, after the frame stepped last: nothing
    // is given up.
    m.making_last = false;
    m.free_at = Clock::time_point::min();
    EXPECT_FALSE(attack_step(m).give_up_last);
    EXPECT_EQ(attack_step(m).advance, 1041667us - 1005ms);
    m.now = Clock::time_point{} + 1000ms;
    EXPECT_EQ(attack_step(m).advance, 1041667us - 1035ms);
    m.now += 3ms;  // less than 5 ms earlier than the grid's frame: nothing changes
    EXPECT_EQ(attack_step(m).advance, 0us);
}

TEST(AttackStep, NeitherALockedBeatNorASteadyRateIsGivenUp) {
    // The generator is making the frame due at 1000 ms and should be done with it at 997 ms.
    AttackMoment beat = moment(970ms, 35ms);
    beat.making_last = true;
    beat.free_at = Clock::time_point{} + 997ms;
    beat.last_kicks_locked = true;
    EXPECT_FALSE(attack_step(beat).give_up_last);
    // Kept, the attack's frame comes after it: due at 997 + 35 = 1032 ms.
    EXPECT_EQ(attack_step(beat).advance, 1041667us - 1032ms);
    // Heard at 990 ms, the frame being made done at 1003 ms: given up, the attack's frame is due
    // at 1025 ms, 1.6 periods after the frame before the one given up (958.3 ms), and 16.7 ms
    // earlier than were that frame kept (the grid's frame, 1041.7 ms: 1038 ms after it would
    // gain less than 5 ms). At 1000 ms it would come 1.84 periods after: not allowed, and
    // nothing changes.
    AttackMoment late = moment(990ms, 35ms);
    late.making_last = true;
    late.free_at = Clock::time_point{} + 1003ms;
    EXPECT_TRUE(attack_step(late).give_up_last);
    EXPECT_EQ(attack_step(late).advance, 1041667us - 1025ms);
    late.now += 10ms;
    EXPECT_FALSE(attack_step(late).give_up_last);
    EXPECT_EQ(attack_step(late).advance, 0us);
    // A frame nearly done (at 997 ms) is kept: the attack's frame, due at 1025 ms were it given
    // up, comes at 1032 ms after it, less than a third of a frame's making (11.7 ms) later.
    late.now -= 10ms;
    late.free_at = Clock::time_point{} + 997ms;
    EXPECT_FALSE(attack_step(late).give_up_last);
    EXPECT_EQ(attack_step(late).advance, 1041667us - 1032ms);
}

TEST(AttackStep, AGeneratorSlowerThanTheGridCountsItsOwnRate) {
    // 80 ms a frame at 24 fps: it makes every other frame at best. Frame 10 (due at 1000 ms) is
    // being made, the frame asked before it was due at 916.7 ms (two periods earlier), the grid's
    // next is due at 1083.3 ms. An attack heard at 950 ms: its frame due at 1030 ms, 113 ms after
    // the frame before: within 1.75 of the shown period (though 2.7 grid periods), which is two
    // grid periods (83.3 ms: the frames it can make one after the other), not 80 ms.
    const Clock::time_point t0{};
    const Clock::duration period = 41667us;
    AttackMoment m{.now = t0 + 950ms,
                   .frame_period = period,
                   .frame_time = 80ms,
                   .next_due = t0 + 1000ms + 2 * period,
                   .last_due = t0 + 1000ms,
                   .before_last_due = t0 + 1000ms - 2 * period,
                   .free_at = t0 + 995ms,
                   .making_last = true};
    AttackStep step = attack_step(m);
    EXPECT_TRUE(step.give_up_last);
    EXPECT_EQ(step.advance, 1083334us - 1030ms);
    // Heard at 985 ms, it would come 148 ms after the frame before (more than 1.75 · 83.3 =
    // 145.8), and only 10 ms earlier than after the frame being made: that frame is kept, and the
    // attack's made after it, due at 995 + 80 = 1075 ms.
    m.now = t0 + 985ms;
    step = attack_step(m);
    EXPECT_FALSE(step.give_up_last);
    EXPECT_EQ(step.advance, 1083334us - 1075ms);
    // The frame being made late, done at 1015 ms: given up, the attack's would come 30 ms earlier
    // than after it (1065 against 1095 ms), but 148 ms after the frame before: kept. Heard at 980
    // ms it comes 143.3 ms after (more than 1.75 · 80 = 140, within 145.8): given up.
    m.free_at = t0 + 1015ms;
    step = attack_step(m);
    EXPECT_FALSE(step.give_up_last);
    EXPECT_EQ(step.advance, 1000ms + 3 * period - 1095ms);
    m.now = t0 + 980ms;
    step = attack_step(m);
    EXPECT_TRUE(step.give_up_last);
    EXPECT_EQ(step.advance, 1083334us - 1060ms);
    m.now = t0 + 985ms;
    // Free only at 1020 ms, it cannot make the grid's next frame on time (1100 ms against 1083.3),
    // so it would make the one after, due at 1125 ms: the attack's frame, due at 1100 ms, comes
    // 25 ms earlier than that one instead of being given up for the grid's.
    m.free_at = t0 + 1020ms;
    step = attack_step(m);
    EXPECT_FALSE(step.give_up_last);
    EXPECT_EQ(step.advance, 1000ms + 3 * period - 1100ms);
}
