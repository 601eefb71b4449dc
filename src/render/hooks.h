// render/hooks: how a caller that runs renders in-process (the CLI, studio/) watches one and stops
// it: a progress callback, a piece callback and a cancel flag, all optional. A cancelled render
// keeps its finished pieces, so the same render started again resumes where it stopped.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "core/error.h"

namespace bgv::render {

struct RenderHooks {
    // Called on the encoding thread after every batch with frames finished (pieces kept from
    // before included) and the render's total. Must be cheap and must not throw.
    std::function<void(std::int64_t frames_done, std::int64_t frames_total)> progress;
    // Called on the encoding thread each time this process has finished a piece (its video and
    // its proof are in the work folder), with the piece's index, before `progress`. Must not
    // throw. Tests stop a render at a known point with it (see report_piece_finished).
    std::function<void(std::int64_t piece)> piece_finished;
    // Read between batches and between stages; when it becomes true the render stops at the next
    // check: the piece being encoded is dropped, finished pieces stay, and render() throws
    // Cancelled. The flag is owned by the caller and must outlive the render; setting it from a
    // signal handler is fine (std::atomic<bool> is lock-free).
    const std::atomic<bool>* cancel = nullptr;

    bool cancelled() const { return cancel != nullptr && cancel->load(); }
};

// What the render loop calls once this process has finished a piece: hooks.piece_finished, then
// the test hold. The test hold is how a test stops the bigganviz program itself at a known point
// (tests cannot hand it hooks): with BIGGANVIZ_TEST_HOLD_AFTER_PIECES=N in its environment, the
// process writes one line, "bigganviz: test hold after N pieces (piece P)", to stderr once it
// has finished N pieces, and waits there until the render is cancelled (SIGINT, SIGTERM), the
// file named by BIGGANVIZ_TEST_RELEASE_FILE exists, or it is killed.
void report_piece_finished(const RenderHooks& hooks, std::int64_t piece);

// The error a cancelled render ends with (not a failure: nothing is wrong with the render).
class Cancelled : public Error {
  public:
    Cancelled() : Error("the render was cancelled; run it again to resume") {}
};

}  // namespace bgv::render
