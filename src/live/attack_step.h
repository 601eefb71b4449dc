// live/attack_step: what the session does when an attack is heard between two frames of its grid
// (docs/live.md, "How a frame is made"): the next frame stepped at once, due as soon as the
// generator can make it, and the grid moved to go on from it; for a generator slower than half a
// frame period, the frame it is making given up for it.
#pragma once

#include "live/live_frame.h"

namespace bgv::live {

// The session's grid and generator at the moment an attack is heard.
struct AttackMoment {
    Clock::time_point now;
    Clock::duration frame_period{};
    Clock::duration frame_time{};  // the generator's, averaged
    Clock::time_point next_due;    // the grid's next frame, not stepped yet
    Clock::time_point last_due;    // the frame asked for last (live/frame_ask)
    Clock::time_point before_last_due;
    // When the generator could start the attack's frame if it finishes the one it is making
    // (LiveGeneration::free_at); the time point's minimum when unknown (taken as now).
    Clock::time_point free_at = Clock::time_point::min();
    bool waiting = false;            // a frame asked for waits for the generator
    bool making_last = false;        // the generator is making the frame asked for last
    bool last_kicks_locked = false;  // that frame kicks on a beat of a locked tracker
};

struct AttackStep {
    // How much earlier the grid's frames become (zero: nothing is done).
    Clock::duration advance{};
    // The frame asked for last is given up (its making abandoned) for the attack's, which takes its
    // place after the frame before it.
    bool give_up_last = false;
};

AttackStep attack_step(const AttackMoment& moment);

}  // namespace bgv::live
