#include "kick_ratio.h"

#include <algorithm>
#include <cmath>

namespace bgv::bench {
namespace {

constexpr double kSameInstant = 1e-6;

}  // namespace

std::vector<double> beat_event_pulse(std::span<const features::BeatEvent> events, double fps,
                                     double offbeat) {
    const double keep = std::exp(-1.0 / (fps * kKickDecaySeconds));
    std::vector<double> pulse(events.size(), 0.0);
    double held = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const double weight = events[i].beat ? 1.0 : offbeat;
        held = std::max(held * keep, weight * events[i].strength);
        pulse[i] = held;
    }
    return pulse;
}

std::vector<double> onset_pulse(const features::TimedRhythm& timed, double fps) {
    const auto& envelope = timed.rhythm.onset_env_percussive;
    const auto frames = static_cast<std::int64_t>(envelope.size());
    const double top = envelope.empty() ? 0.0 : *std::max_element(envelope.begin(), envelope.end());
    std::vector<double> pulse(envelope.size(), 0.0);
    std::size_t next = 0;
    double held = 0;
    for (std::int64_t i = 0; i < frames; ++i) {
        const double now = static_cast<double>(i) / fps + kSameInstant;
        held *= i > 0 ? std::exp(-1.0 / (fps * kKickDecaySeconds)) : 0.0;
        for (; next < timed.onset_seconds.size() && timed.onset_seconds[next] <= now; ++next) {
            const double onset = timed.onset_seconds[next];
            const auto at = std::clamp<std::int64_t>(std::llround(onset * fps), 0, frames - 1);
            const double strength = top > 0 ? envelope[static_cast<std::size_t>(at)] / top : 0.0;
            held = std::max(held, strength * std::exp(-(now - onset) / kKickDecaySeconds));
        }
        pulse[static_cast<std::size_t>(i)] = held;
    }
    return pulse;
}

double kick_ratio(std::span<const double> pulse, std::span<const double> beat_seconds, double fps) {
    const auto frames = static_cast<std::int64_t>(pulse.size());
    std::vector<bool> near_beat(pulse.size(), false);
    for (const double t : beat_seconds) {
        const auto nearest = std::llround(t * fps);
        for (auto f = nearest - 1; f <= nearest + 1; ++f) {
            if (f >= 0 && f < frames) {
                near_beat[static_cast<std::size_t>(f)] = true;
            }
        }
    }
    double on = 0, off = 0;
    std::int64_t on_count = 0, off_count = 0;
    for (std::int64_t i = 1; i < frames; ++i) {
        const auto at = static_cast<std::size_t>(i);
        const double change = std::abs(pulse[at] - pulse[at - 1]);
        if (near_beat[at]) {
            on += change;
            ++on_count;
        } else {
            off += change;
            ++off_count;
        }
    }
    if (on_count == 0 || off_count == 0 || off == 0) {
        return 0.0;
    }
    return (on / static_cast<double>(on_count)) / (off / static_cast<double>(off_count));
}

}  // namespace bgv::bench
