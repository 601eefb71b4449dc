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
    // 35 ms a frame, more than half the period: making the frame due at 1000 ms when the attack
    // is heard at 970 ms. Given up, the attack's takes its place, due at 1005 ms.
    AttackMoment m = moment(970ms, 35ms);
    m.making_last = true;
    const AttackStep step = attack_step(m);
    EXPECT_TRUE(step.give_up_last);
    EXPECT_EQ(step.advance, 1041667us - 1005ms);
    // Between two frames it starts the attack's at once, after the frame stepped last: nothing
    // is given up.
    m.making_last = false;
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
    // Heard at 995 ms the attack's frame would be due at 1030 ms, 1.72 periods after the frame
    // before the one given up (958.3 ms): allowed; at 1000 ms, 1.84 periods: not, and the
    // attack's frame comes after the kept one, at 1035 ms.
    AttackMoment late = moment(995ms, 35ms);
    late.making_last = true;
    late.free_at = Clock::time_point{} + 997ms;
    EXPECT_TRUE(attack_step(late).give_up_last);
    late.now += 5ms;
    EXPECT_FALSE(attack_step(late).give_up_last);
    EXPECT_EQ(attack_step(late).advance, 1041667us - 1035ms);
    // Kept and due less than 5 ms before the grid's next frame: nothing changes.
    late.free_at = Clock::time_point{} + 1003ms;
    EXPECT_EQ(attack_step(late).advance, 0us);
}

TEST(AttackStep, AGeneratorSlowerThanTheGridCountsItsOwnRate) {
    // 80 ms a frame at 24 fps: it makes every other frame at best. Frame 10 (due at 1000 ms) is
    // being made, the frame asked before it was due at 916.7 ms (two periods earlier), the grid's
    // next is due at 1083.3 ms. An attack heard at 950 ms: its frame due at 1030 ms, 113 ms after
    // the frame before, within 1.75 of the generator's 80 ms (though 2.7 grid periods).
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
    // Heard at 985 ms, it would come 148 ms after the frame before (more than 140): the frame
    // being made is kept, and the attack's made after it, due at 995 + 80 = 1075 ms.
    m.now = t0 + 985ms;
    step = attack_step(m);
    EXPECT_FALSE(step.give_up_last);
    EXPECT_EQ(step.advance, 1083334us - 1075ms);
    // Free only at 1020 ms, it cannot make the grid's next frame on time (1100 ms against 1083.3),
    // so it would make the one after, due at 1125 ms: the attack's frame, due at 1100 ms, comes
    // 25 ms earlier than that one instead of being given up for the grid's.
    m.free_at = t0 + 1020ms;
    step = attack_step(m);
    EXPECT_FALSE(step.give_up_last);
    EXPECT_EQ(step.advance, 1000ms + 3 * period - 1100ms);
}
