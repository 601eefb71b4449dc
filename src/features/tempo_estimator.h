// features/tempo_estimator: the tempo of a causal onset envelope, re-estimated every few frames
// from the autocorrelation of its last seconds (librosa's tempo estimate made running), with a
// tempo path that changes only on sustained evidence.
#pragma once

#include <cstdint>
#include <vector>

#include "features/real_fft.h"

namespace bgv::features {

struct TempoOptions {
    // The autocorrelation window (librosa's tempo uses 8 s): shorter follows a tempo change
    // sooner (6 s: re-locked 7 to 10 s after a change on click tracks, against 8 to 13 s).
    double window_seconds = 6.0;
    int update_every = 4;  // frames between estimates
    // The normalised autocorrelations are averaged with this time constant (librosa averages the
    // whole song's).
    double memory_seconds = 3.0;
    double prior_bpm = 120.0;  // librosa's log-normal prior: centre and width in octaves
    double prior_octaves = 1.0;
    double min_bpm = 40.0;
    double max_bpm = 240.0;
    // The tempo path (a Viterbi pass over lags): moving from one lag to another costs
    // ½ (octaves / transition_octaves)², at most jump_cost (in units of the log score), so that
    // drifts are followed at once and a jump needs a few seconds of evidence.
    double transition_octaves = 0.04;
    double jump_cost = 4.0;
    // The tempo hold (a context state, after Davies & Plumbley 2007): a tempo the path has kept
    // for hold_after_seconds stays, whatever the path prefers, while its own autocorrelation is
    // at least hold_fraction of the strongest lag's, so that a figure whose period relates to the
    // beat's (a 4:3 triplet) does not take the tempo while the beat is still there. A real tempo
    // change releases it: the old lag's autocorrelation fades within the window. Moves by an
    // octave are not held: a beat's double period always correlates as well as the beat, so
    // there the prior decides, as without the hold. 0 turns it off.
    double hold_fraction = 0.7;
    double hold_after_seconds = 10.0;
};

// Feed the onset envelope one frame at a time (frame_rate frames per second). Each update scores
// every lag by log(mean normalised autocorrelation) + log prior, runs one Viterbi step over lags,
// and takes the path's best lag (or the held one: TempoOptions::hold_fraction) refined to a
// fraction of a frame by a parabola through the weighted autocorrelation at it and its neighbours.
class TempoEstimator {
  public:
    explicit TempoEstimator(double frame_rate, const TempoOptions& options = {});

    // Returns true when this frame brought a new estimate.
    bool push(float onset);

    bool has_estimate() const { return period_ > 0; }
    double period_frames() const { return period_; }  // 0 before the first estimate or in silence
    double bpm() const;
    // The chosen lag's mean autocorrelation above the median over the tempo range, as a fraction
    // of the lag-0 value: 0 for noise or silence, towards 1 for a click track.
    double clarity() const { return clarity_; }

  private:
    void estimate();
    int best_path_lag();
    int held_lag(int proposed);

    double frame_rate_ = 0;
    TempoOptions options_;
    int window_ = 0;
    int min_lag_ = 0;
    int max_lag_ = 0;
    std::vector<float> history_;  // ring of the last window_ onsets
    std::int64_t pushed_ = 0;
    std::vector<double> hann_, mean_, log_prior_, path_, next_path_, scratch_;
    std::vector<double> transition_cost_;  // [to][from] over lags min_lag_ to max_lag_
    RealFft forward_;
    InverseRealFft inverse_;
    bool any_ = false;
    double period_ = 0;
    double clarity_ = 0;
    int held_ = 0;                 // the lag chosen at the last estimate, 0 for none
    std::int64_t held_since_ = 0;  // pushed_ when the choice last jumped (beyond a drift)
};

}  // namespace bgv::features
