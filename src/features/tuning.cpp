#include "features/tuning.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "features/stft.h"

namespace bgv::features {
namespace {

constexpr double kPeakFmin = 150.0;
constexpr double kPeakFmax = 4000.0;
constexpr float kPeakThreshold = 0.1F;
constexpr double kTuningResolution = 0.01;

}  // namespace

void piptrack_frame(std::span<const std::complex<double>> spectrum, double sample_rate, int n_fft,
                    std::vector<PitchPeak>& peaks) {
    const auto n = static_cast<std::int64_t>(spectrum.size());
    if (n < 3) {
        return;
    }
    // The frame's maximum magnitude: the bin with the largest |z|^2 (float32 components), whose
    // float32 magnitude is the largest since the rounding is monotonic.
    std::int64_t loudest = 0;
    double loudest_power = -1;
    for (std::int64_t k = 0; k < n; ++k) {
        const auto re = static_cast<double>(static_cast<float>(spectrum[k].real()));
        const auto im = static_cast<double>(static_cast<float>(spectrum[k].imag()));
        const double power = re * re + im * im;
        if (power > loudest_power) {
            loudest_power = power;
            loudest = k;
        }
    }
    const float ref = kPeakThreshold * magnitude_of(spectrum[loudest]);
    // Candidate bins: fmin <= k · sr / n_fft < fmax, and their neighbours.
    const double fmax = std::min(kPeakFmax, sample_rate / 2);
    const double bin_hz = 1.0 / (n_fft * (1.0 / sample_rate));  // numpy.fft.rfftfreq
    std::int64_t first = 1;
    while (first < n && static_cast<double>(first) * bin_hz < kPeakFmin) {
        ++first;
    }
    std::int64_t last = first;  // one past the last candidate
    while (last < n && static_cast<double>(last) * bin_hz < fmax) {
        ++last;
    }
    if (first >= last) {
        return;
    }
    thread_local std::vector<float> magnitude;
    const std::int64_t lo = first - 1;
    const std::int64_t hi = std::min(n, last + 1);
    magnitude.resize(static_cast<std::size_t>(hi - lo));
    for (std::int64_t k = lo; k < hi; ++k) {
        magnitude[static_cast<std::size_t>(k - lo)] = magnitude_of(spectrum[k]);
    }
    const float* s = magnitude.data() - lo;  // s[k] for lo <= k < hi
    const auto gated = [&](std::int64_t k) { return s[k] > ref ? s[k] : 0.0F; };
    for (std::int64_t k = first; k < last; ++k) {
        // util.localmax: strictly above the left neighbour, not below the right one; the last bin
        // only needs to exceed its left neighbour.
        const float here = gated(k);
        const bool peak =
            k + 1 < n ? here > gated(k - 1) && here >= gated(k + 1) : here > gated(k - 1);
        if (!peak) {
            continue;
        }
        // Parabolic interpolation and np.gradient as librosa computes them; the end bins get no
        // shift.
        float shift = 0.0F;
        float slope = 0.0F;
        if (k + 1 < n) {
            // numba promotes `2 * x` and `/ 2` to double, so a and b are doubles of float32 sums.
            const double a = static_cast<double>(s[k + 1] + s[k - 1]) - 2.0 * s[k];
            const double b = static_cast<double>(s[k + 1] - s[k - 1]) / 2.0;
            shift = std::abs(b) >= std::abs(a) ? 0.0F : static_cast<float>(-b / a);
            slope = (s[k + 1] - s[k - 1]) / 2.0F;
        } else {
            slope = s[k] - s[k - 1];
        }
        const float skew = 0.5F * slope * shift;
        const double frequency =
            (static_cast<double>(k) + static_cast<double>(shift)) * sample_rate / n_fft;
        peaks.push_back({static_cast<float>(frequency), s[k] + skew});
    }
}

namespace {

// np.histogram of the deviations from the nearest bin over edges np.linspace(-0.5, 0.5,
// ceil(1 / resolution) + 1): bins are [e_i, e_i+1), the last one closed; the answer is the left
// edge of the first fullest bin.
class ResidualHistogram {
  public:
    ResidualHistogram(double resolution, int bins_per_octave) : bins_per_octave_(bins_per_octave) {
        const int n_edges = static_cast<int>(std::ceil(1.0 / resolution)) + 1;
        edges_.resize(static_cast<std::size_t>(n_edges));
        const double step = 1.0 / (n_edges - 1);
        for (int i = 0; i < n_edges; ++i) {
            edges_[static_cast<std::size_t>(i)] = i * step + -0.5;
        }
        edges_.back() = 0.5;
        counts_.assign(static_cast<std::size_t>(n_edges - 1), 0);
    }

    // Counts one pitch; those not above 0 Hz are left out.
    void add(float frequency) {
        if (!(frequency > 0.0F)) {
            return;
        }
        any_ = true;
        // Deviation from the nearest bin, in float32 as librosa computes it from float32 pitches.
        const float a440_over_16 = static_cast<float>(440.0 / 16);
        const float octs = std::log2(frequency / a440_over_16);
        const float bins = static_cast<float>(bins_per_octave_) * octs;
        float residual = std::fmod(bins, 1.0F);
        if (residual != 0.0F && residual < 0.0F) {
            residual += 1.0F;
        }
        if (residual >= 0.5F) {
            residual -= 1.0F;
        }
        const double value = residual;
        if (value < edges_.front() || value > edges_.back()) {
            return;
        }
        const auto n_bins = static_cast<std::ptrdiff_t>(counts_.size());
        auto bin = std::upper_bound(edges_.begin(), edges_.end(), value) - edges_.begin() - 1;
        bin = std::min<std::ptrdiff_t>(bin, n_bins - 1);
        ++counts_[static_cast<std::size_t>(bin)];
    }

    // 0 when no pitch was counted.
    double best() const {
        if (!any_) {
            return 0.0;
        }
        const auto best = std::max_element(counts_.begin(), counts_.end()) - counts_.begin();
        return edges_[static_cast<std::size_t>(best)];
    }

  private:
    int bins_per_octave_;
    std::vector<double> edges_;
    std::vector<std::int64_t> counts_;
    bool any_ = false;
};

// The median of the peaks' magnitudes (float32, the mean of the middle two for an even count);
// 0 for none. Reorders `magnitudes`.
float median_magnitude(std::vector<float>& magnitudes) {
    if (magnitudes.empty()) {
        return 0.0F;
    }
    const std::size_t middle = magnitudes.size() / 2;
    std::nth_element(magnitudes.begin(), magnitudes.begin() + static_cast<std::ptrdiff_t>(middle),
                     magnitudes.end());
    float threshold = magnitudes[middle];
    if (magnitudes.size() % 2 == 0) {
        const float below = *std::max_element(
            magnitudes.begin(), magnitudes.begin() + static_cast<std::ptrdiff_t>(middle));
        threshold = (below + threshold) / 2.0F;
    }
    return threshold;
}

}  // namespace

double pitch_tuning(std::span<const float> frequencies, double resolution, int bins_per_octave) {
    ResidualHistogram histogram(resolution, bins_per_octave);
    for (const float f : frequencies) {
        histogram.add(f);
    }
    return histogram.best();
}

double tuning_from_peaks(std::span<const PitchPeak> peaks, int bins_per_octave) {
    std::vector<float> magnitudes;
    magnitudes.reserve(peaks.size());
    for (const auto& peak : peaks) {
        magnitudes.push_back(peak.magnitude);
    }
    const float threshold = median_magnitude(magnitudes);
    ResidualHistogram histogram(kTuningResolution, bins_per_octave);
    for (const auto& peak : peaks) {
        if (peak.magnitude >= threshold) {
            histogram.add(peak.frequency);
        }
    }
    return histogram.best();
}

TuningEstimator::TuningEstimator(double sample_rate, int workers)
    : sample_rate_(sample_rate), worker_peaks_(static_cast<std::size_t>(std::max(workers, 1))) {}

void TuningEstimator::add_frame(int worker, std::span<const std::complex<double>> spectrum) {
    piptrack_frame(spectrum, sample_rate_, kTuningFftSize,
                   worker_peaks_[static_cast<std::size_t>(worker)]);
}

double TuningEstimator::tuning(int bins_per_octave) const {
    // The order the frames came in changes neither the median nor the histogram.
    std::vector<float> magnitudes;
    std::size_t count = 0;
    for (const auto& peaks : worker_peaks_) {
        count += peaks.size();
    }
    magnitudes.reserve(count);
    for (const auto& peaks : worker_peaks_) {
        for (const auto& peak : peaks) {
            magnitudes.push_back(peak.magnitude);
        }
    }
    const float threshold = median_magnitude(magnitudes);
    ResidualHistogram histogram(kTuningResolution, bins_per_octave);
    for (const auto& peaks : worker_peaks_) {
        for (const auto& peak : peaks) {
            if (peak.magnitude >= threshold) {
                histogram.add(peak.frequency);
            }
        }
    }
    return histogram.best();
}

double estimate_tuning(std::span<const float> samples, int sample_rate, int bins_per_octave,
                       int threads) {
    TuningEstimator estimator(sample_rate, threads);
    for_each_stft_frame(
        samples, kTuningFftSize, kTuningHop, periodic_hann(kTuningFftSize),
        [&](int worker, std::int64_t /*frame*/, std::span<const std::complex<double>> spectrum) {
            estimator.add_frame(worker, spectrum);
        },
        threads);
    return estimator.tuning(bins_per_octave);
}

}  // namespace bgv::features
