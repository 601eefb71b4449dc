#include "live/show_stats.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace bgv::live {

ShowStats::ShowStats(Clock::duration window) : window_(window) {}

void ShowStats::frame_shown(Clock::time_point shown, double latency_ms) {
    recent_.push_back({shown, latency_ms});
    ++shown_;
    // Older frames than any summary can ask for go (summaries come at the latest frame's time or
    // later).
    while (!recent_.empty() && recent_.front().time <= shown - window_)
        recent_.pop_front();
}

ShowSummary ShowStats::summary(Clock::time_point now) const {
    ShowSummary summary;
    summary.shown = shown_;
    std::vector<double> latencies;
    Clock::time_point first{};
    Clock::time_point last{};
    for (const Shown& s : recent_) {
        if (s.time <= now - window_ || s.time > now)
            continue;
        if (latencies.empty())
            first = s.time;
        last = s.time;
        latencies.push_back(s.latency_ms);
    }
    summary.frames = static_cast<std::int64_t>(latencies.size());
    if (latencies.size() >= 2 && last > first)
        summary.fps = static_cast<double>(latencies.size() - 1) /
                      std::chrono::duration<double>(last - first).count();
    if (!latencies.empty()) {
        std::sort(latencies.begin(), latencies.end());
        // Nearest rank: the smallest value with at least p % of the values at or below it.
        const auto rank = [&](double p) {
            const auto n = static_cast<double>(latencies.size());
            const auto index = static_cast<std::size_t>(std::max(1.0, std::ceil(p / 100 * n))) - 1;
            return latencies[index];
        };
        summary.latency_p50_ms = rank(50);
        summary.latency_p95_ms = rank(95);
    }
    return summary;
}

}  // namespace bgv::live
