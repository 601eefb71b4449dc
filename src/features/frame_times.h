// features/frame_times: audio features at the frames of any video rate. Where a frame lasts a
// whole number of samples they are librosa's at that hop; otherwise they are computed at the whole
// hop just below and interpolated linearly to the frame times i·den/num seconds.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/frame_rate.h"
#include "features/analysis.h"
#include "features/features.h"
#include "features/rhythm.h"

namespace bgv::features {

// The hop the features are computed at for `rate`: the frame's length in samples when it is
// whole, else floor of it (so that the computed frames are at least as dense as the video's).
int analysis_hop(const FrameRate& rate, int sample_rate);

// `rows` curves of frames_in values each (row-major), value k at k·hop_in samples, linearly
// interpolated to frames_out frames at i·den/num seconds (held at the last value past the end).
std::vector<float> interpolate_to_frame_times(std::span<const float> curves, int rows,
                                              std::int64_t frames_in, int hop_in, int sample_rate,
                                              const FrameRate& rate, std::int64_t frames_out);

// compute_features at the video's frames (frame_count(..., FrameCounting::analysis) of them). For a
// fractional hop the mel power and the chroma are interpolated (each chroma frame then scaled to a
// maximum of 1 again) and spec_mean, grad_mean and chromasort are derived from them as at a whole
// hop. features.hop is the analysis hop. Without options.keep_mel the result has no mel (a
// fractional hop still holds the analysis hop's spectrogram while it interpolates).
Features compute_features_at_rate(std::span<const float> samples, int sample_rate,
                                  const FrameRate& rate, const FeatureOptions& options = {});

// compute_rhythm at the video's frames: its curves (chroma_h scaled per frame to a maximum of 1
// again) at the frame times as above, and the beats and onsets as times in seconds (frame index
// times analysis hop). rhythm.frames is the video's frame count, rhythm.hop the analysis hop, and
// rhythm.beats / rhythm.onsets stay frame indices at that hop.
struct TimedRhythm {
    Rhythm rhythm;
    std::vector<double> beat_seconds, onset_seconds;
};
TimedRhythm compute_rhythm_at_rate(std::span<const float> samples_22050, const FrameRate& rate);

// analyse_song at the video's frames: compute_features_at_rate and compute_rhythm_at_rate of the
// same samples, the parts asked for, with the STFT they share computed once (see analyse_song for
// what memory holds). This is what a render, `bigganviz analyze` and the studio call.
struct TimedAnalysis {
    Features features;   // empty (0 frames) unless asked for
    TimedRhythm rhythm;  // empty (0 frames) unless asked for
};
TimedAnalysis analyse_song_at_rate(std::span<const float> samples, int sample_rate,
                                   const FrameRate& rate, const AnalysisParts& parts,
                                   const FeatureOptions& options = {});

}  // namespace bgv::features
