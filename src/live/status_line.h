// live/status_line: the live session's one status line: shown fps against the target, audio-to-
// picture latency (p50/p95), dropped frames, audio overruns, tempo and beat lock. On a terminal
// it is redrawn in place; otherwise (a log file, CI) a plain line is written every few seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "live/audio_block.h"

namespace bgv::live {

struct LiveStatus {
    double seconds = 0;  // since the session started
    double fps = 0;      // shown
    double target_fps = 0;
    double latency_p50_ms = 0;
    double latency_p95_ms = 0;
    std::int64_t dropped_frames = 0;
    std::int64_t audio_overruns = 0;
    double tempo_bpm = 0;  // 0 while there is no tempo yet
    bool beat_locked = false;
};

class StatusLine {
  public:
    // Redraws at most every `terminal_interval` on a terminal; writes a plain line every
    // `plain_interval` elsewhere. Nothing is written under --quiet (log level above info).
    explicit StatusLine(
        std::FILE* stream = stderr,
        std::chrono::milliseconds terminal_interval = std::chrono::milliseconds(250),
        std::chrono::milliseconds plain_interval = std::chrono::seconds(5));

    void update(const LiveStatus& status, Clock::time_point now);
    // The last status, kept on screen (a terminal's line ends; a plain line is written).
    void finish(const LiveStatus& status);

    // "live 1:23  19.8/24 fps (generator behind)  latency 85/120 ms  dropped 3  overruns 0
    //  tempo 128.0 BPM locked"
    static std::string text(const LiveStatus& status);
    bool terminal() const { return terminal_; }

  private:
    void write(const std::string& text);

    std::FILE* stream_;
    bool terminal_;
    bool enabled_;
    std::chrono::milliseconds interval_;
    bool written_ = false;
    Clock::time_point last_;
};

}  // namespace bgv::live
