// render/piece_schedule: which piece of the video a process renders next (render/farm_schedule
// claims them in the work folder; tests may bring their own).
#pragma once

#include <cstdint>
#include <optional>

#include "render/piece_record.h"

namespace bgv::render {

class PieceSchedule {
  public:
    virtual ~PieceSchedule() = default;
    // The next piece to render, or nothing when this process has none left. Called on the
    // generating thread, possibly while piece_done() runs on the encoding thread.
    virtual std::optional<std::int64_t> next_piece() = 0;
    // `piece` is finished: its video and its record (render/piece_record) are in place. Called on
    // the encoding thread, in the order the pieces were handed out.
    virtual void piece_done(std::int64_t piece, const PieceRecord& record) = 0;
    // Frames other processes sharing the render finished since this one began (for a progress
    // line that shows the whole job). Called on the encoding thread after every batch.
    virtual std::int64_t frames_done_elsewhere() { return 0; }
};

}  // namespace bgv::render
