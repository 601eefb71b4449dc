#include "live/attack_step.h"

#include <algorithm>

#include "live/frame_ask.h"

namespace bgv::live {

namespace {
using namespace std::chrono_literals;
// The attack's frame must come at least this much earlier than the grid's next frame.
constexpr Clock::duration kLeastAdvance = 5ms;
// A frame given up for an attack's: the attack's is then due at most this many shown periods
// (shown_period) after the frame before the one given up, so the shown rate stays steady.
constexpr double kLongestInterval = 1.75;
// A frame is given up for an attack's only when that brings the attack's frame at least this
// share of a frame's making earlier than making it after that frame (a frame nearly done is
// kept: giving it up would drop a frame for little).
constexpr double kLeastGiveUpGain = 1.0 / 3;

// The interval between the frames shown: the grid's period, or for a generator slower than the
// grid, the grid's frames it can make one after the other (live/frame_ask): one in
// ceil(frame_time / frame_period), each started a frame's making before it is due.
Clock::duration shown_period(const AttackMoment& m) {
    if (m.frame_time <= m.frame_period)
        return m.frame_period;
    const auto periods =
        (m.frame_time.count() + m.frame_period.count() - 1) / m.frame_period.count();
    return periods * m.frame_period;
}

// When the frame that the grid would have the generator make next, were it free at `start`, is
// due: a generator slower than the grid is asked only for the frames it can finish on time
// (live/frame_ask), and an attack's frame must come earlier than that one, not than the grid's.
Clock::time_point next_made_due(const AttackMoment& m, Clock::time_point start) {
    return first_due_asked(m.next_due, m.frame_period, m.frame_time, start);
}
}  // namespace

AttackStep attack_step(const AttackMoment& m) {
    if (m.waiting)  // the frame waiting was stepped before the attack; it goes first
        return {};
    if (2 * m.frame_time <= m.frame_period || !m.making_last) {
        // A generator with time to spare makes the frame it is making first (a late frame is
        // shown when made), and one between two frames starts at once; the attack's comes after
        // the frame before it, frames being due in order.
        const Clock::time_point soonest = std::max(m.now + m.frame_time, m.last_due + 1ms);
        const Clock::duration gain = next_made_due(m, std::max(m.now, m.free_at)) - soonest;
        return gain >= kLeastAdvance ? AttackStep{gain, false} : AttackStep{};
    }
    // A slower one is busy most of the time: waiting for the frame it is making (asked for before
    // the attack was heard) would show the attack up to two frame makings late. That frame is
    // given up when this brings the attack's frame a good part of a frame's making earlier than
    // making it after that frame would, unless it kicks on a predicted beat of a locked tracker
    // (the kick would come late) or the shown rate would stumble.
    const Clock::time_point free = std::max(m.now, m.free_at);
    const Clock::time_point kept_next = next_made_due(m, free);  // the grid's, were it kept
    const Clock::time_point kept_soonest = std::max(free + m.frame_time, m.last_due + 1ms);
    const Clock::duration kept_gain = kept_next - kept_soonest;
    if (!m.last_kicks_locked) {
        const Clock::time_point soonest = std::max(m.now + m.frame_time, m.before_last_due + 1ms);
        const Clock::duration gain = next_made_due(m, m.now) - soonest;
        // The attack's frame, were the frame being made kept (the grid's when it cannot come
        // earlier than that).
        const Clock::time_point kept_due = kept_gain >= kLeastAdvance ? kept_soonest : kept_next;
        if (gain >= kLeastAdvance && kept_due - soonest >= kLeastGiveUpGain * m.frame_time &&
            soonest - m.before_last_due <= kLongestInterval * shown_period(m))
            return {gain, true};
    }
    // Kept: the attack's frame is made after it, instead of the frame the generator would make
    // next (for one slower than the grid, often not the grid's next, which it cannot finish on
    // time).
    return kept_gain >= kLeastAdvance ? AttackStep{kept_gain, false} : AttackStep{};
}

}  // namespace bgv::live
