#include "live/status_line.h"

#include <fmt/format.h>
#include <unistd.h>

#include "core/log.h"
#include "core/progress.h"

namespace bgv::live {

StatusLine::StatusLine(std::FILE* stream, std::chrono::milliseconds terminal_interval,
                       std::chrono::milliseconds plain_interval)
    : stream_(stream),
      terminal_(::isatty(::fileno(stream)) != 0),
      enabled_(log::level() <= log::Level::info),
      interval_(terminal_ ? terminal_interval : plain_interval) {}

std::string StatusLine::text(const LiveStatus& s) {
    std::string line =
        fmt::format("live {}  {:.1f}/{:g} fps", format_duration(s.seconds), s.fps, s.target_fps);
    // Below 90 % of the target the generator cannot keep up: the picture runs slower, not late.
    if (s.target_fps > 0 && s.fps > 0 && s.fps < 0.9 * s.target_fps)
        line += " (generator behind)";
    line += fmt::format("  latency {:.0f}/{:.0f} ms  dropped {}  overruns {}", s.latency_p50_ms,
                        s.latency_p95_ms, s.dropped_frames, s.audio_overruns);
    if (s.tempo_bpm > 0)
        line += fmt::format("  tempo {:.1f} BPM {}", s.tempo_bpm,
                            s.beat_locked ? "locked" : "searching");
    else
        line += "  tempo -";
    return line;
}

void StatusLine::write(const std::string& text) {
    log::write_ignoring_errors(stream_, text);
    std::fflush(stream_);
}

void StatusLine::update(const LiveStatus& status, Clock::time_point now) {
    if (!enabled_ || (written_ && now - last_ < interval_))
        return;
    written_ = true;
    last_ = now;
    write(terminal_ ? fmt::format("\r{}\x1b[K", text(status)) : text(status) + "\n");
}

void StatusLine::finish(const LiveStatus& status) {
    if (!enabled_)
        return;
    write(terminal_ ? fmt::format("\r{}\x1b[K\n", text(status)) : text(status) + "\n");
}

}  // namespace bgv::live
