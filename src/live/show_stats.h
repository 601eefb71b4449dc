// live/show_stats: what the status line reports about the picture: the rate frames were shown at
// and their audio-to-picture latency (median and 95th percentile), over the last seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

#include "live/audio_block.h"

namespace bgv::live {

struct ShowSummary {
    double fps = 0;             // frames shown per second over the window (0 below two frames)
    double latency_p50_ms = 0;  // nearest-rank percentiles of the window's latencies
    double latency_p95_ms = 0;
    std::int64_t frames = 0;  // frames in the window
    std::int64_t shown = 0;   // frames shown in the whole session
};

class ShowStats {
  public:
    explicit ShowStats(Clock::duration window = std::chrono::seconds(5));

    // A frame was shown at `shown`, `latency_ms` after its sound was heard.
    void frame_shown(Clock::time_point shown, double latency_ms);
    // The frames shown in (now - window, now].
    ShowSummary summary(Clock::time_point now) const;

  private:
    struct Shown {
        Clock::time_point time;
        double latency_ms;
    };
    Clock::duration window_;
    std::deque<Shown> recent_;
    std::int64_t shown_ = 0;
};

}  // namespace bgv::live
