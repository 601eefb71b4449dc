#include "live/frame_ask.h"

#include <algorithm>

namespace bgv::live {

namespace {
using namespace std::chrono_literals;
// A frame due this little before it can be done is still asked for: an attack's frame is due one
// frame's making after the moment the attack was heard, and is stepped a moment later.
constexpr Clock::duration kLateness = 5ms;
}  // namespace

Clock::time_point first_due_asked(Clock::time_point next_due, Clock::duration frame_period,
                                  Clock::duration frame_time, Clock::time_point start) {
    if (frame_time <= frame_period)
        return next_due;  // it keeps up: every frame is asked for
    const Clock::duration late = start + frame_time - kLateness - next_due;
    if (late <= Clock::duration::zero())
        return next_due;
    const auto periods = (late.count() + frame_period.count() - 1) / frame_period.count();
    return next_due + periods * frame_period;
}

bool ask_for_frame(const AskMoment& m) {
    if (m.frame_time <= m.frame_period)
        return true;  // it keeps up: a frame a little late is shown when made
    // Made when the generator is free, is the frame on time?
    const Clock::time_point start = std::max(m.now, m.free_at);
    if (first_due_asked(m.due, m.frame_period, m.frame_time, start) != m.due)
        return false;
    const Clock::time_point done = start + m.frame_time;
    // Would making it keep the generator from the next beat's frame, to be started one frame's
    // making before that frame is due?
    if (!m.kicks && m.next_kick_due && done > *m.next_kick_due - m.frame_time + kLateness)
        return false;
    return true;
}

}  // namespace bgv::live
