#include "live/frame_log.h"

#include <fmt/format.h>

namespace bgv::live {

FrameLog::FrameLog(const std::filesystem::path& path) : file_(path) {
    file_.write(std::string_view("frame,audio_time,shown_time,latency_ms,beat,tempo,power\n"));
}

void FrameLog::write(const FrameLogRow& row) {
    // Times to 0.1 ms, the latency to 0.01 ms, the power to 6 significant digits.
    file_.write(fmt::format("{},{:.4f},{:.4f},{:.2f},{},{:.2f},{:.6g}\n", row.frame, row.audio_time,
                            row.shown_time, row.latency_ms, row.beat ? 1 : 0, row.tempo,
                            row.power));
}

void FrameLog::finish() {
    file_.commit();
}

}  // namespace bgv::live
