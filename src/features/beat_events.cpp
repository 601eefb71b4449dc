#include "features/beat_events.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace bgv::features {
namespace {

constexpr double kSameInstant = 1e-6;  // seconds: a beat at a frame's own time belongs to it
constexpr std::size_t kHeardFrames = 8;
constexpr std::size_t kTypicalBeats = 8;

}  // namespace

std::vector<BeatEvent> beat_events_from_rhythm(const TimedRhythm& timed, const FrameRate& rate) {
    const Rhythm& rhythm = timed.rhythm;
    const double fps = rate.per_second();
    if (!(fps > 0) ||
        static_cast<std::int64_t>(rhythm.onset_env_percussive.size()) != rhythm.frames) {
        fail("beat events: {} onset values for {} frames at {} fps",
             rhythm.onset_env_percussive.size(), rhythm.frames, fps);
    }
    std::vector<BeatEvent> events(static_cast<std::size_t>(rhythm.frames));
    const float top = rhythm.onset_env_percussive.empty()
                          ? 0.0F
                          : *std::max_element(rhythm.onset_env_percussive.begin(),
                                              rhythm.onset_env_percussive.end());
    for (std::size_t i = 0; i < events.size(); ++i) {
        events[i].strength = top > 0 ? rhythm.onset_env_percussive[i] / top : 0.0F;
    }
    for (const double t : timed.beat_seconds) {
        const auto frame = static_cast<std::int64_t>(std::ceil((t - kSameInstant) * fps));
        if (frame >= 0 && frame < rhythm.frames) {
            events[static_cast<std::size_t>(frame)].beat = true;
        }
    }
    return events;
}

LiveBeatEvents::LiveBeatEvents(double frames_per_second, double normalise_seconds, int hop)
    : frame_seconds_(frames_per_second > 0 ? 1.0 / frames_per_second : 0.0),
      reach_seconds_(2.0 * hop / kSampleRate),
      scale_(std::max(
          1, static_cast<int>(std::lround(normalise_seconds * kSampleRate / std::max(hop, 1))))),
      heard_(kHeardFrames),
      beat_strengths_(kTypicalBeats, 0.0F) {
    if (!(frames_per_second > 0) || !(normalise_seconds > 0) || hop < 1) {
        fail("live beat events at {} fps over {} s at hop {}", frames_per_second, normalise_seconds,
             hop);
    }
}

void LiveBeatEvents::observe(const AnalysisFrame& frame, const BeatPredictor& predictor) {
    scale_.push(frame.onset_percussive);
    const double top = scale_.max();
    latest_ = top > 0 ? static_cast<float>(frame.onset_percussive / top) : 0.0F;
    heard_[frames_heard_++ % kHeardFrames] = {frame.onset_seconds, latest_};

    const auto& declared = predictor.declared_beats();
    for (; beats_taken_ < declared.size(); ++beats_taken_) {
        pending_.push_back(declared[beats_taken_]);
    }
    // A beat's strength: the largest heard within two analysis frames of it, once all have come.
    std::erase_if(pending_, [&](double beat) {
        if (frame.onset_seconds < beat + reach_seconds_) {
            return false;
        }
        float strongest = 0;
        for (const auto& h : heard_) {
            if (std::abs(h.seconds - beat) <= reach_seconds_ + kSameInstant) {
                strongest = std::max(strongest, h.strength);
            }
        }
        beat_strengths_[beats_measured_++ % kTypicalBeats] = strongest;
        return true;
    });
}

float LiveBeatEvents::typical_beat_strength() const {
    const std::size_t count = std::min(beats_measured_, kTypicalBeats);
    if (count == 0) {
        return 1.0F;
    }
    float sum = 0;
    for (std::size_t i = 0; i < count; ++i) {
        sum += beat_strengths_[i];
    }
    return sum / static_cast<float>(count);
}

BeatEvent LiveBeatEvents::event(double frame_seconds, const BeatPredictor& predictor) const {
    const auto next = predictor.next_beats(frame_seconds - frame_seconds_ + kSameInstant, 1);
    const bool beat = !next.empty() && next.front() <= frame_seconds + kSameInstant;
    return {beat, beat ? typical_beat_strength() : latest_};
}

}  // namespace bgv::features
