// live/frame_ask: whether a frame stepped on the grid is asked of the generator. A generator that
// keeps up is asked every frame; one slower than the grid would make a frame asked while it works
// late, showing stale sound, and could miss the frame of a predicted beat: it is asked only the
// frames it can finish by their time, the beats' first (docs/live.md, "How a frame is made").
#pragma once

#include <optional>

#include "live/live_frame.h"

namespace bgv::live {

// The generator and the grid when a frame is stepped.
struct AskMoment {
    Clock::time_point now;
    Clock::duration frame_period{};
    Clock::duration frame_time{};  // the generator's, averaged
    Clock::time_point free_at;     // when it could start a frame asked now (LiveGeneration)
    Clock::time_point due;         // when the frame stepped is due on screen
    bool kicks = false;            // it kicks on a predicted beat
    // The next frame of the grid that will kick on a predicted beat, if one comes within the
    // time this frame would take to make.
    std::optional<Clock::time_point> next_kick_due;
};

bool ask_for_frame(const AskMoment& moment);

// When the first frame of the grid that a generator free at `start` would be asked for is due,
// counting from the grid's frame due at `next_due` (frames `frame_period` apart), beats aside:
// that frame when the generator keeps up, else the first it can finish by its time.
Clock::time_point first_due_asked(Clock::time_point next_due, Clock::duration frame_period,
                                  Clock::duration frame_time, Clock::time_point start);

}  // namespace bgv::live
