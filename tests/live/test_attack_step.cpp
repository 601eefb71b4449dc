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
    AttackMoment beat = moment(970ms, 35ms);
    beat.making_last = true;
    beat.last_kicks_locked = true;
    EXPECT_FALSE(attack_step(beat).give_up_last);
    EXPECT_EQ(attack_step(beat).advance, 0us);
    // Heard at 995 ms the attack's frame would be due at 1030 ms, 1.72 periods after the frame
    // before the one given up (958.3 ms): allowed; at 1000 ms, 1.84 periods: not.
    AttackMoment late = moment(995ms, 35ms);
    late.making_last = true;
    EXPECT_TRUE(attack_step(late).give_up_last);
    late.now += 5ms;
    EXPECT_FALSE(attack_step(late).give_up_last);
    EXPECT_EQ(attack_step(late).advance, 0us);
}
