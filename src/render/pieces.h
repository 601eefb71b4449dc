// render/pieces: the execution of a plan's pieces: the generator makes batches on one thread, the
// encoder writes them into pieces on another (a bounded queue between), each finished piece
// followed by its proof. Which pieces are made comes from a PieceSchedule.
#pragma once

#include <cstdint>
#include <vector>

#include "render/frame_generator.h"
#include "render/hooks.h"
#include "render/piece_schedule.h"
#include "render/plan.h"
#include "render/work_folder.h"

namespace bgv::render {

// The record a piece of `plan` must carry (its sha256 left empty).
PieceRecord expected_piece_record(const RenderPlan& plan, std::int64_t piece);

// The pieces of `plan` in `work` that are missing or fail their proof, in order; each that exists
// but fails is named in one line and removed.
std::vector<std::int64_t> pieces_to_render(const RenderPlan& plan, const WorkFolder& work);

// Renders the pieces `schedule` hands out until it has none left. `frames_done` counts frames
// already finished (for progress). A cancel (hooks.cancel) stops between batches: the unfinished
// piece is dropped and Cancelled thrown; finished pieces stay.
void render_pieces(FrameGenerator& generator, const RenderPlan& plan, const WorkFolder& work,
                   PieceSchedule& schedule, const RenderHooks& hooks, std::int64_t frames_done);

}  // namespace bgv::render
