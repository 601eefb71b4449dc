#include "render/farm_schedule.h"

namespace bgv::render {

FarmSchedule::FarmSchedule(farm::PieceClaims& claims, const RenderPlan& plan,
                           const farm::Launch& launch)
    : claims_(claims), plan_(plan), launch_(launch) {
    for (std::int64_t piece = 0; piece < plan.pieces(); ++piece) {
        if (claims.finished(piece)) {
            counted_.insert(piece);
            frames_done_before_ += plan.piece_frames(piece);
        }
    }
}

std::optional<std::int64_t> FarmSchedule::next_piece() {
    const auto piece = claims_.claim_next();
    if (piece) {
        std::lock_guard lock(mutex_);
        started_[*piece] = Clock::now();
    }
    return piece;
}

void FarmSchedule::piece_done(std::int64_t piece, const PieceRecord&) {
    std::chrono::duration<double> seconds{};
    {
        std::lock_guard lock(mutex_);
        seconds = Clock::now() - started_.at(piece);
        started_.erase(piece);
        counted_.insert(piece);
    }
    claims_.finish(piece, launch_.host, farm::worker_name(launch_), seconds.count());
}

std::int64_t FarmSchedule::frames_done_elsewhere() {
    std::lock_guard lock(mutex_);
    // Looking costs a stat and a small read per unfinished piece: once a second is plenty for a
    // progress line.
    const auto now = Clock::now();
    if (now - last_look_ < std::chrono::seconds(1))
        return frames_elsewhere_;
    last_look_ = now;
    for (std::int64_t piece = 0; piece < plan_.pieces(); ++piece) {
        if (counted_.contains(piece) || started_.contains(piece) || !claims_.finished(piece))
            continue;
        counted_.insert(piece);
        frames_elsewhere_ += plan_.piece_frames(piece);
    }
    return frames_elsewhere_;
}

}  // namespace bgv::render
