// live/live_features: what a live session's choreography steps on: the sound analysed as it is
// heard (features/stream_analysis), the beat tracker's predicted grid (features/beat_predictor),
// and onsets picked as they come, turned into the FrameFeatures of the frame shown at a given
// time of the input. The counterpart of a file render's up-front analysis (docs/live.md).
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "choreo/stepper.h"
#include "features/beat_events.h"
#include "features/beat_predictor.h"
#include "features/running_extremes.h"
#include "features/stream_analysis.h"

namespace bgv::live {

// What the frame log and the status line say of one frame's features.
struct FrameFeaturesInfo {
    double audio_seconds = 0;  // centre of the analysis window used (input seconds)
    double newest_sample = 0;  // input seconds of the newest sample that frame saw
    double power = 0;          // that frame's mean mel power (the file render's m, unscaled)
    bool beat = false;         // a predicted beat falls in the frame
};

class LiveFeatures {
  public:
    // Frames of the video lie `1 / frames_per_second` apart.
    explicit LiveFeatures(double frames_per_second);

    // The next samples of the input (22050 Hz mono, in order; `first_sample` counts from the
    // input's start: a gap, from dropped blocks, is filled with silence).
    void push(std::int64_t first_sample, std::span<const float> samples);
    bool has_sound() const { return analysed_ > 0; }

    // The features of the frame that will be shown when input second `frame_seconds` is heard,
    // the stepper's frame `frame` (its time origin: `origin_seconds` of the input is the
    // stepper's time 0): those of the newest sound heard by then, the window ending at the newest
    // sample when all the sound analysed is heard by then (a capture), else the newest analysis
    // frame heard by then (a file input is analysed ahead of its playback: the picture does not
    // show a sound before it is heard; before the first frame is heard, silence). Kicks: the
    // predicted beats nearer frame_seconds than the previous call's time (from half a frame after
    // that time to half a frame after this one, frames being 1 / frames_per_second apart), and the
    // onsets between beats picked since the previous call and heard by frame_seconds.
    choreo::FrameFeatures features_for(double frame_seconds, double origin_seconds,
                                       FrameFeaturesInfo& info);

    // An attack not yet shown and heard by input second `heard_seconds`: the percussive onset
    // strength, scaled as the onsets' are, rose through a threshold and the picture's power rose
    // with it (live_features.cpp, kAttack*). Known as soon as an analysis frame, or the window
    // ending at the newest sample, shows that power (a capture's sound is heard as it comes; a
    // file's is analysed ahead and waits for its playback), before the onset picker can confirm a
    // peak; the session shows it in a frame stepped at once, off its grid (docs/live.md, "How a
    // frame is made").
    bool attack_heard(double heard_seconds) const {
        return attack_ && attack_seconds_ <= heard_seconds;
    }

    // Whether the frame shown when input second `frame_seconds` is heard will kick on a beat the
    // tracker predicts now (as features_for would, frames being 1 / frames_per_second apart).
    bool beat_expected(double frame_seconds) const;

    const features::BeatPredictor& beats() const { return predictor_; }

  private:
    void on_frame(const features::AnalysisFrame& frame);
    void pick_onset(const features::AnalysisFrame& frame);
    void raise_attack(double heard_seconds);
    float scaled_percussive(float onset) const;  // the onsets' scale: the largest of 10 s
    double received_seconds() const;             // input seconds of the newest sample analysed
    // The scaled percussive onset strength rising through kAttackThreshold from the last frame's.
    bool onset_rises(float scaled) const;
    void wait_for_power();  // for kAttackFrames frames, from the last frame's spec_mean
    // The newest analysis frame heard by input second `seconds`; null when none is.
    const features::AnalysisFrame* heard_by(double seconds) const;

    double frames_per_second_;
    features::StreamAnalyzer analyzer_;
    features::BeatPredictor predictor_;
    features::LiveBeatEvents events_;
    features::RunningExtremes rms_range_;         // the harmonic drive's scale
    features::RunningExtremes percussive_range_;  // the onsets' scale
    std::deque<features::AnalysisFrame> recent_;  // the last analysis frames, oldest first
    std::int64_t analysed_ = 0;
    std::int64_t next_sample_ = 0;
    // The onset picker: a local peak of the scaled percussive onset strength above a threshold.
    float before_ = 0, peak_ = 0;
    double peak_seconds_ = 0, last_onset_seconds_ = -1e9;
    std::vector<choreo::Kick> onsets_;  // picked, not yet given to a frame (input seconds)
    // The attack detector: frames left for the power to rise after the onset strength did, and
    // the power before it.
    int attack_frames_left_ = 0;
    float attack_base_ = 0, previous_spec_mean_ = 0;
    bool onset_opened_ = false;  // by the window ending at the newest sample, since a frame
    bool attack_ = false;        // an attack not yet shown,
    double attack_seconds_ = 0;  // known when input second this was heard
    // The frame that showed the last attack: its unscaled power, and the analysis frames left in
    // which the sound growing far past it raises the attack again (live_features.cpp, kRegrowth).
    float shown_attack_power_ = 0;
    int regrow_frames_left_ = 0;
    double previous_frame_seconds_ = -1e9;
    std::vector<double> recent_beats_;  // the attacks of the last beats kicked (input seconds)
    std::vector<choreo::Kick> kicks_;   // the last call's, in stepper seconds
};

}  // namespace bgv::live
