// features/beat_predictor: a causal beat tracker that predicts: tempo and phase from the onset
// strength as it arrives, the coming beats ahead of time, and whether it is locked.
#pragma once

#include <cstdint>
#include <vector>

#include "features/tempo_estimator.h"

namespace bgv::features {

struct BeatPredictorOptions {
    TempoOptions tempo;
    // The cumulative score, librosa's beat_track dynamic program run forward:
    // C(t) = onset(t) / σ + max over τ in [P/2, 2P] of C(t - τ) - tightness · ln²(τ / P),
    // σ the onset's standard deviation over the last normalise_seconds.
    double tightness = 100.0;  // librosa's
    double normalise_seconds = 8.0;
    // Phase inertia: the last beat is the frame of the last period maximising C plus this bonus
    // (in units of σ) near the current grid, a Gaussian of inertia_width beats, so that a phase
    // as good as the current one does not take over.
    double inertia = 1.0;
    double inertia_width = 1.0 / 16;
    // The grid is a straight line through the last fit_beats observed beats (when at least 3
    // form a run a period apart), which averages out their frame quantisation.
    int fit_beats = 8;
    // Locked: this many consecutive declared beats a period apart (within lock_tolerance of it).
    int lock_beats = 4;
    double lock_tolerance = 0.1;
    double silence_seconds = 2.0;  // onsets all 0 for this long: no grid, no beats declared
    // A beat is declared this many frames before its time (its time stays the grid's), so that a
    // small correction of the grid rarely moves a beat not yet declared into the past (where it
    // would be declared late, at now).
    double declare_ahead_frames = 2.0;
    // A due beat that the grid moved further than this (in beats) into the past is dropped
    // rather than declared late.
    double stale_beats = 0.25;
};

// Feed librosa's onset strength one envelope frame at a time (StreamAnalyzer's AnalysisFrame
// onset, in onset_index order). Times are seconds of envelope index i, i·hop / sample_rate, the
// times librosa's beat_track gives its beats (on the fixtures about one hop after the attack).
//
// Tempo: TempoEstimator. Phase: librosa's dynamic program (Ellis 2007) computed forward as the
// frames arrive, as real-time trackers do (Stark, Davies & Plumbley 2009): the last beat is the
// frame of the last period with the highest cumulative score, and the coming beats follow it a
// period apart. A beat is declared when the grid's next beat is due within declare_ahead_frames.
class BeatPredictor {
  public:
    BeatPredictor(int sample_rate, int hop, const BeatPredictorOptions& options = {});

    // The onset strength at envelope frame `envelope_index` (AnalysisFrame::onset_index), one
    // frame after another; frames before the first one pushed count as silent. Returns true when
    // this frame declared a beat: declared_beats().back() is its time, at most
    // declare_ahead_frames ahead.
    bool push(std::int64_t envelope_index, float onset);

    double now_seconds() const;  // the time of the last frame pushed
    double tempo_bpm() const;    // 0 before the first estimate
    bool locked() const { return locked_; }
    // 1 - exp(-margin / 2), the margin being how far (in onset standard deviations) the chosen
    // phase's cumulative score lies above the best other phase's: 0 when ambiguous.
    double confidence() const { return confidence_; }

    // The predicted beats after `after_seconds` (which may lie ahead of now), at most `count`:
    // the current grid extended. Empty while there is no grid (too early, or silence).
    std::vector<double> next_beats(double after_seconds, int count = 4) const;

    // Every beat declared so far, in seconds, increasing: what was announced at the time, never
    // revised.
    const std::vector<double>& declared_beats() const { return declared_; }

  private:
    double score_at(std::int64_t frame) const;  // C, 0 before the first frame
    double onset_deviation(float onset);
    void update_grid();
    void fit_grid();
    bool declare_due_beat();

    double frame_rate_ = 0;
    BeatPredictorOptions options_;
    TempoEstimator tempo_;
    std::vector<double> score_;  // ring of the cumulative score C
    std::int64_t frame_ = -1;    // index of the last frame pushed
    std::int64_t last_onset_frame_ = -1;
    double onset_mean_ = 0, onset_square_ = 0;  // running moments for σ
    double period_ = 0;                         // frames per beat
    double anchor_ = 0;                         // the last beat, in frames (fractional)
    std::vector<double> observed_;              // the last beats observed a period apart
    double grid_beat_ = 0, grid_period_ = 0;    // the grid the predictions extend
    bool has_grid_ = false;
    double confidence_ = 0;
    bool locked_ = false;
    int steady_beats_ = 0;
    std::vector<double> declared_;
    double last_declared_frame_ = -1e9;
};

}  // namespace bgv::features
