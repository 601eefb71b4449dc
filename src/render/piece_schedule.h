// render/piece_schedule: which piece of the video a process renders next. The local schedule walks
// the pieces a render still needs in order; farm/ supplies one that claims pieces in a shared
// folder among processes.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

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
};

// The given pieces, in the given order, for one process.
class LocalSchedule : public PieceSchedule {
  public:
    explicit LocalSchedule(std::vector<std::int64_t> pieces) : pieces_(std::move(pieces)) {}

    std::optional<std::int64_t> next_piece() override {
        std::lock_guard lock(mutex_);
        if (next_ == pieces_.size())
            return std::nullopt;
        return pieces_[next_++];
    }
    void piece_done(std::int64_t, const PieceRecord&) override {}

  private:
    std::mutex mutex_;
    std::vector<std::int64_t> pieces_;
    std::size_t next_ = 0;
};

}  // namespace bgv::render
