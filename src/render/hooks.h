// render/hooks: how a caller that runs renders in-process (the CLI, studio/) watches one and stops
// it: a progress callback and a cancel flag, both optional. A cancelled render keeps its finished
// pieces, so the same render started again resumes where it stopped.
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
    // Read between batches and between stages; when it becomes true the render stops at the next
    // check: the piece being encoded is dropped, finished pieces stay, and render() throws
    // Cancelled. The flag is owned by the caller and must outlive the render; setting it from a
    // signal handler is fine (std::atomic<bool> is lock-free).
    const std::atomic<bool>* cancel = nullptr;

    bool cancelled() const { return cancel != nullptr && cancel->load(); }
};

// The error a cancelled render ends with (not a failure: nothing is wrong with the render).
class Cancelled : public Error {
  public:
    Cancelled() : Error("the render was cancelled; run it again to resume") {}
};

}  // namespace bgv::render
