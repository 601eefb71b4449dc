// features/causal_percussive: a causal stand-in for librosa's harmonic/percussive separation, for
// the live percussive onset strength: each frame's percussive share of its power spectrum.
#pragma once

#include <span>
#include <vector>

namespace bgv::features {

// librosa's HPSS (decompose.hpss: kernel 31, power 2, margin 1) compares a median across 31 frames
// centred on the frame (harmonic) with a median across 31 bins (percussive). Centred needs 15
// future frames (350 ms at hop 512); here the harmonic median runs over the frame and the
// `history - 1` frames before it instead, so a frame's share needs nothing after it. The soft
// mask is librosa's: P² / (H² + P²) on magnitudes, i.e. P / (H + P) on powers (medians commute
// with the square), 0.5 where both are below float32's smallest normal number.
class CausalPercussiveMask {
  public:
    CausalPercussiveMask(int bins, int history);

    // The percussive part of one frame's power spectrum (bins values), in `percussive_power`.
    void split(std::span<const double> power, std::span<double> percussive_power);
    // The same for a spectrum that is not the next frame's (a window between two frames): its
    // share against the history as split would take it, the history left unchanged.
    void peek(std::span<const double> power, std::span<double> percussive_power);

  private:
    void share(std::span<const double> power, std::span<double> percussive_power, bool keep);

    int bins_ = 0;
    int history_ = 0;
    int frames_seen_ = 0;
    std::vector<float> past_;    // history_ × bins_ ring of power, frame-major
    std::vector<float> sorted_;  // per bin, its past values in increasing order (history_ each)
    std::vector<float> frame_, across_;
    std::vector<float> scratch_;  // peek's copy of one bin's sorted history
};

}  // namespace bgv::features
