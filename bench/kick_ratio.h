// bench/kick_ratio: how much a choreography's kick moves on the beats against elsewhere, for
// bench_live_beats: today's onset-driven kick, and a kick on BeatEvents with weaker off-beats.
#pragma once

#include <span>
#include <vector>

#include "features/beat_events.h"
#include "features/frame_times.h"

namespace bgv::bench {

inline constexpr double kKickDecaySeconds = 0.25;  // the beat choreography's --pulse_decay

// The kick on beat events: pulse_i = max(pulse_{i-1} exp(-dt / decay), w_i strength_i), w_i = 1
// on a beat frame and `offbeat` elsewhere, frame i at i / fps.
std::vector<double> beat_event_pulse(std::span<const features::BeatEvent> events, double fps,
                                     double offbeat);

// Today's beat choreography's kick, as choreo/beat.cpp's beat_curves makes its pulse: every onset
// of the file render's rhythm kicks with the percussive onset strength there over the song's
// largest, the strongest decaying kick held.
std::vector<double> onset_pulse(const features::TimedRhythm& timed, double fps);

// docs/choreography.md's measure: the mean frame-to-frame change of the pulse on the frames within
// one frame of a beat (the nearest frame to each beat time and its two neighbours), over the same
// on the other frames. The noise vector moves by the pulse's change times the fixed kick, plus a
// slow drift, so this is the noise-change ratio less the drift's dilution.
double kick_ratio(std::span<const double> pulse, std::span<const double> beat_seconds, double fps);

}  // namespace bgv::bench
