// live/frame_log: --frame_log FILE: one CSV row per shown frame, for measuring a live session
// afterwards (latency, the beat's timing, the power the picture followed):
// frame,audio_time,shown_time,latency_ms,beat,tempo,power
#pragma once

#include <cstdint>
#include <filesystem>

#include "core/file.h"

namespace bgv::live {

struct FrameLogRow {
    std::int64_t frame = 0;
    double audio_time = 0;  // seconds into the input of the sound the frame was made for
    double shown_time = 0;  // seconds since the session's start when it was shown
    double latency_ms = 0;  // shown minus heard, for that sound
    bool beat = false;      // the frame kicks on a (predicted) beat
    double tempo = 0;       // BPM the tracker held; 0 before it has one
    double power = 0;       // the normalised power the picture followed
};

class FrameLog {
  public:
    // Writes to a temporary file beside `path`; finish() puts it in place. Without finish() (the
    // session failed) the temporary file is removed.
    explicit FrameLog(const std::filesystem::path& path);

    void write(const FrameLogRow& row);
    void finish();

  private:
    AtomicFile file_;
};

}  // namespace bgv::live
