// features/stream_analysis: the file render's audio features computed causally, frame by frame,
// from mono 22050 Hz samples as they arrive (for `bigganviz live`); docs/live-analysis.md lists
// every difference from compute_features and compute_rhythm.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "features/causal_percussive.h"
#include "features/mel.h"
#include "features/real_fft.h"
#include "features/running_extremes.h"
#include "features/streaming_onset.h"

namespace bgv::features {

struct StreamAnalysisOptions {
    int hop = 512;  // samples between frames (frame t is centred on stream sample t·hop)
    // spec_mean and grad_mean are normalised by the extremes of the last this many seconds (the
    // file render uses the whole song's).
    double normalisation_seconds = 20.0;
    // When no frame of that window reaches this RMS (-60 dBFS), spec_mean and grad_mean are 0:
    // a quiet room is not stretched to full scale (the file render gives 0 only for a constant m).
    double silence_rms = 1e-3;
    // Frames (this one included) in the causal harmonic median of the percussive mask.
    int percussive_history = 31;
};

// One analysis frame. Frame t is centred on stream sample t·hop, exactly as the file render's
// frame t (librosa's centred STFT; the stream is taken to start with n_fft/2 zeros before it).
struct AnalysisFrame {
    std::int64_t index = 0;
    double time_seconds = 0;             // t·hop / 22050: the frame's centre
    double ready_seconds = 0;            // (t·hop + n_fft/2) / 22050: when its last sample arrived
    std::array<float, kMelBands> mel{};  // power, as compute_features' mel column t
    float power = 0;                 // the mean of `mel` over bands (m, before any normalisation)
    float spec_mean = 0;             // (m - min) / (max - min) over the last normalisation_seconds
    float grad_mean = 0;             // max(0, m_t - m_{t-1}) / the largest such rise in that window
    std::array<float, 12> chroma{};  // chroma_stft at tuning 0 from this frame's STFT, max 1
    // librosa's onset strength of the signal (mel up to sr/2, dB, mean rise), and the same of
    // the frame's percussive share (causal HPSS). librosa's onset_strength puts both at envelope
    // index onset_index, n_fft/(2·hop) frames after t; onset_seconds is that index's time.
    float onset = 0;
    float onset_percussive = 0;
    std::int64_t onset_index = 0;
    double onset_seconds = 0;
    float rms = 0;  // librosa.feature.rms: over the 2048 samples the frame's STFT sees
};

using AnalysisFrameSink = std::function<void(const AnalysisFrame&)>;

// Feed blocks of any size; each frame is handed to the sink as soon as its last sample arrived
// (n_fft/2 = 1024 samples, 46.4 ms, after its centre). One analyser per stream, one thread.
class StreamAnalyzer {
  public:
    explicit StreamAnalyzer(const StreamAnalysisOptions& options = {});

    void push(std::span<const float> samples, const AnalysisFrameSink& sink);
    // The end of the stream: the last frames, their windows padded with zeros as librosa pads,
    // so that a whole file streamed gives compute_features' 1 + samples / hop frames.
    void finish(const AnalysisFrameSink& sink);

    // The picture's features of the window that ends at the newest sample received, as the file
    // render computes them for a frame centred n_fft/2 before that sample: mel, power, chroma,
    // rms, and spec_mean and grad_mean (its rise over the window one hop earlier) scaled by the
    // ranges of the frames emitted so far with its own values counted in. Where a frame's window
    // ends there, equal to that frame. A picture that needs the newest sound need not wait up to
    // a hop for the next frame (docs/live-analysis.md). `index` is -1. With `onsets`, the two
    // onset strengths too, as the next frame's would be computed but over the last frame (a lag
    // shorter than a hop; 0 where the window is that frame); else they are 0. No state changes.
    const AnalysisFrame& newest_window(bool onsets = false);

    int hop() const { return options_.hop; }
    std::int64_t samples_received() const { return received_; }
    std::int64_t frames_emitted() const { return next_frame_; }

  private:
    void emit_ready_frames(const AnalysisFrameSink& sink);
    void analyse_frame(const AnalysisFrameSink& sink);
    // The power spectrum (power_) and the RMS of the n_fft samples from stream sample `first`
    // (those before the stream are librosa's zeros).
    double transform(std::int64_t first);
    void update_summaries(double mean_power);
    // spec_mean and grad_mean of a frame or window of mean power m and rise `rise`, by the
    // running ranges with its own values counted in.
    void scale(AnalysisFrame& frame, double m, double rise) const;

    StreamAnalysisOptions options_;
    std::vector<double> window_;       // periodic Hann, n_fft
    std::vector<MelBand> mel_bank_;    // the file render's (fmax 8 kHz)
    std::vector<MelBand> onset_bank_;  // onset_strength's (fmax sr/2)
    std::vector<float> chroma_bank_;   // 12 × bins
    RealFft fft_;
    CausalPercussiveMask percussive_mask_;
    StreamingOnsetStrength onset_, onset_percussive_;
    RunningExtremes power_range_, rise_range_, rms_range_;

    std::vector<float> buffer_;  // stream samples from buffer_start_ on
    std::int64_t buffer_start_ = 0;
    std::int64_t received_ = 0;
    std::int64_t next_frame_ = 0;
    bool finished_ = false;
    double previous_power_ = 0;

    AnalysisFrame frame_, newest_;
    std::vector<double> power_, percussive_power_;
    std::vector<float> onset_mel_;
};

}  // namespace bgv::features
