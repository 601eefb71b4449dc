// render/farm_schedule: the PieceSchedule of every render, shared among processes or not (a
// process alone is the case of one): each next piece is claimed in the work folder through farm/,
// each finished one reported with this process's host, rank or task and the seconds it took.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>

#include "farm/launch.h"
#include "farm/piece_claims.h"
#include "render/piece_schedule.h"
#include "render/plan.h"

namespace bgv::render {

class FarmSchedule : public PieceSchedule {
  public:
    FarmSchedule(farm::PieceClaims& claims, const RenderPlan& plan, const farm::Launch& launch);

    std::optional<std::int64_t> next_piece() override;
    void piece_done(std::int64_t piece, const PieceRecord& record) override;
    std::int64_t frames_done_elsewhere() override;

    // Frames of the pieces finished when this process began.
    std::int64_t frames_done_before() const { return frames_done_before_; }

  private:
    using Clock = std::chrono::steady_clock;

    farm::PieceClaims& claims_;
    const RenderPlan& plan_;
    const farm::Launch& launch_;
    std::mutex mutex_;
    std::map<std::int64_t, Clock::time_point> started_;  // claimed pieces, when claimed
    std::set<std::int64_t> counted_;  // finished pieces known: before, by us, or elsewhere
    std::int64_t frames_done_before_ = 0;
    std::int64_t frames_elsewhere_ = 0;
    Clock::time_point last_look_{};
};

}  // namespace bgv::render
