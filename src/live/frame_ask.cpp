#include "live/frame_ask.h"

#include <algorithm>

namespace bgv::live {

namespace {
using namespace std::chrono_literals;
// A frame due this little before it can be done is still asked for: an attack's frame is due one
// frame's making after the moment the attack was heard, and is stepped a moment later.
constexpr Clock::duration kLateness = 5ms;
}  // namespace

bool ask_for_frame(const AskMoment& m) {
    if (m.frame_time <= m.frame_period)
        return true;  // it keeps up: a frame a little late is shown when made
    // Made when the generator is free, is the frame on time?
    const Clock::time_point done = std::max(m.now, m.free_at) + m.frame_time;
    if (done > m.due + kLateness)
        return false;
    // Would making it keep the generator from the next beat's frame, to be started one frame's
    // making before that frame is due?
    if (!m.kicks && m.next_kick_due && done > *m.next_kick_due - m.frame_time + kLateness)
        return false;
    return true;
}

}  // namespace bgv::live
