// features/beat_events: per video frame, whether a beat falls in it and how strong the percussive
// onset is there: what a beat choreography kicks on, from the file's rhythm or the live tracker.
#pragma once

#include <cstdint>
#include <vector>

#include "features/beat_predictor.h"
#include "features/frame_times.h"
#include "features/running_extremes.h"
#include "features/stream_analysis.h"

namespace bgv::features {

// Frame i stands for the time i / fps, and owns what happens after the previous frame's time up
// to its own, (i - 1)/fps < t <= i/fps (as choreo's beat curves count events): the first frame to
// show a beat is the one at or just after it.
struct BeatEvent {
    bool beat = false;   // a beat falls in the frame
    float strength = 0;  // percussive onset strength there, 0 to 1
};

// The file render's events: beats from compute_rhythm_at_rate's beat_seconds, strength its
// onset_env_percussive (at the video's frames) over the song's largest value.
std::vector<BeatEvent> beat_events_from_rhythm(const TimedRhythm& timed, const FrameRate& rate);

// The live events, one video frame at a time. A frame is drawn ahead of the audio it depicts is
// heard (by the pipeline latency), so its beat comes from the predictor's grid, with the typical
// strength of the last beats; its strength between beats is the latest percussive onset heard,
// which lags the picture by the latency (onsets cannot be predicted).
class LiveBeatEvents {
  public:
    explicit LiveBeatEvents(double frames_per_second, double normalise_seconds = 10.0,
                            int hop = 512);

    // Every analysis frame, in order, after the predictor took its onset: keeps the running scale
    // and the strengths at the beats the predictor declared (the largest within two analysis
    // frames of each beat, once those frames have come).
    void observe(const AnalysisFrame& frame, const BeatPredictor& predictor);

    // The event of the video frame depicting audio time `frame_seconds` (at or ahead of what has
    // been analysed).
    BeatEvent event(double frame_seconds, const BeatPredictor& predictor) const;

    float typical_beat_strength() const;  // the mean over the last beats, 1 before any

  private:
    struct Heard {
        double seconds = 0;
        float strength = 0;  // scaled
    };
    double frame_seconds_ = 0;  // 1 / fps
    double reach_seconds_ = 0;  // two analysis frames
    RunningExtremes scale_;     // of the percussive onset strength over normalise_seconds
    float latest_ = 0;          // the latest percussive onset strength, scaled
    std::vector<Heard> heard_;  // ring of the last analysis frames' strengths
    std::size_t frames_heard_ = 0;
    std::vector<double> pending_;        // declared beats whose frames have not all come
    std::size_t beats_taken_ = 0;        // of predictor.declared_beats()
    std::vector<float> beat_strengths_;  // ring of the last beats' strengths
    std::size_t beats_measured_ = 0;
};

}  // namespace bgv::features
