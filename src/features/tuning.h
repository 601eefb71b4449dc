// features/tuning: librosa's tuning estimate (piptrack peaks of a magnitude STFT, then the
// histogram peak of their deviation from equal temperament), which shifts the constant-Q bins.
#pragma once

#include <complex>
#include <cstdint>
#include <span>
#include <vector>

namespace bgv::features {

// One interpolated spectral peak of piptrack: frequency in Hz and magnitude (both float32 as
// librosa stores them).
struct PitchPeak {
    float frequency = 0;
    float magnitude = 0;
};

// librosa.piptrack's peaks for one frame's spectrum (n_fft/2 + 1 bins of a Hann STFT), with fmin
// 150 Hz, fmax 4000 Hz and threshold 0.1 of the frame's maximum magnitude; appended to `peaks`.
// Magnitudes are float32 as librosa computes them; only the bins near [fmin, fmax) are evaluated.
void piptrack_frame(std::span<const std::complex<double>> spectrum, double sample_rate, int n_fft,
                    std::vector<PitchPeak>& peaks);

// librosa.pitch_tuning(frequencies, resolution, bins_per_octave): the most common deviation from
// A440 equal temperament, in fractions of a bin, on a grid of `resolution`.
double pitch_tuning(std::span<const float> frequencies, double resolution, int bins_per_octave);

// librosa.estimate_tuning(y, sr, bins_per_octave) with its defaults (n_fft 2048, hop 512,
// resolution 0.01): pitch_tuning of the peaks at least as strong as their median.
double estimate_tuning(std::span<const float> samples, int sample_rate, int bins_per_octave,
                       int threads);

// The last step of estimate_tuning, given every frame's peaks.
double tuning_from_peaks(std::span<const PitchPeak> peaks, int bins_per_octave);

// estimate_tuning's STFT parameters, for callers that share that STFT with another feature.
inline constexpr int kTuningFftSize = 2048;
inline constexpr int kTuningHop = kTuningFftSize / 4;  // librosa's default when hop_length is None

// Collects piptrack peaks frame by frame from `workers` threads (each its own list, 8 bytes a
// peak, about 30 MB for an hour of music), then gives the tuning estimate, which does not depend
// on the order the frames arrived in.
class TuningEstimator {
  public:
    TuningEstimator(double sample_rate, int workers);
    void add_frame(int worker, std::span<const std::complex<double>> spectrum);
    double tuning(int bins_per_octave) const;

  private:
    double sample_rate_;
    std::vector<std::vector<PitchPeak>> worker_peaks_;
};

}  // namespace bgv::features
