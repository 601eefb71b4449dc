#include "render/hooks.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "core/log.h"

namespace bgv::render {

namespace {
// The number N of BIGGANVIZ_TEST_HOLD_AFTER_PIECES, or 0 when it is not set (or not a number).
long hold_after_pieces() {
    const char* value = std::getenv("BIGGANVIZ_TEST_HOLD_AFTER_PIECES");
    return value == nullptr ? 0 : std::strtol(value, nullptr, 10);
}

// Waits until the render is cancelled or the release file exists. Looking every 10 ms costs
// nothing that matters: only a test ever holds, and what it checks does not depend on how soon
// the hold notices.
void hold(const RenderHooks& hooks) {
    const char* release = std::getenv("BIGGANVIZ_TEST_RELEASE_FILE");
    while (!hooks.cancelled()) {
        std::error_code ignored;
        if (release != nullptr && std::filesystem::exists(release, ignored))
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}
}  // namespace

void report_piece_finished(const RenderHooks& hooks, std::int64_t piece) {
    if (hooks.piece_finished)
        hooks.piece_finished(piece);
    static const long hold_after = hold_after_pieces();
    static std::atomic<long> finished{0};  // by this process, all its renders together
    if (hold_after <= 0 || ++finished != hold_after)
        return;
    // Straight to stderr: a test reads this line whatever the log level (-q included).
    log::write_ignoring_errors(
        stderr,
        fmt::format("bigganviz: test hold after {} pieces (piece {})\n", hold_after, piece));
    hold(hooks);
}

}  // namespace bgv::render
