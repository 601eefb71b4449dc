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

double pitch_tuning(std::span<const float> frequencies, double resolution, int bins_per_octave) {
    // Deviation from the nearest bin, in float32 as librosa computes it from float32 pitches.
    std::vector<float> residuals;
    residuals.reserve(frequencies.size());
    const float a440_over_16 = static_cast<float>(440.0 / 16);
    for (const float f : frequencies) {
        if (!(f > 0.0F)) {
            continue;
        }
        const float octs = std::log2(f / a440_over_16);
        const float bins = static_cast<float>(bins_per_octave) * octs;
        float residual = std::fmod(bins, 1.0F);
        if (residual != 0.0F && residual < 0.0F) {
            residual += 1.0F;
        }
        if (residual >= 0.5F) {
            residual -= 1.0F;
        }
        residuals.push_back(residual);
    }
    if (residuals.empty()) {
        return 0.0;
    }
    // np.histogram over edges np.linspace(-0.5, 0.5, ceil(1 / resolution) + 1): bins are
    // [e_i, e_i+1), the last one closed; the answer is the left edge of the first fullest bin.
    const int n_edges = static_cast<int>(std::ceil(1.0 / resolution)) + 1;
    std::vector<double> edges(static_cast<std::size_t>(n_edges));
    const double step = 1.0 / (n_edges - 1);
    for (int i = 0; i < n_edges; ++i) {
        edges[static_cast<std::size_t>(i)] = i * step + -0.5;
    }
    edges.back() = 0.5;
    std::vector<std::int64_t> counts(static_cast<std::size_t>(n_edges - 1), 0);
    for (const float r : residuals) {
        const double value = r;
        if (value < edges.front() || value > edges.back()) {
            continue;
        }
        auto bin = std::upper_bound(edges.begin(), edges.end(), value) - edges.begin() - 1;
        bin = std::min<std::ptrdiff_t>(bin, n_edges - 2);
        ++counts[static_cast<std::size_t>(bin)];
    }
    const auto best = std::max_element(counts.begin(), counts.end()) - counts.begin();
    return edges[static_cast<std::size_t>(best)];
}

double tuning_from_peaks(std::span<const PitchPeak> peaks, int bins_per_octave) {
    // The median magnitude of all peaks (float32, the mean of the middle two for an even count).
    float threshold = 0.0F;
    if (!peaks.empty()) {
        std::vector<float> magnitudes;
        magnitudes.reserve(peaks.size());
        for (const auto& peak : peaks) {
            magnitudes.push_back(peak.magnitude);
        }
        const std::size_t middle = magnitudes.size() / 2;
        std::nth_element(magnitudes.begin(),
                         magnitudes.begin() + static_cast<std::ptrdiff_t>(middle),
                         magnitudes.end());
        threshold = magnitudes[middle];
        if (magnitudes.size() % 2 == 0) {
            const float below = *std::max_element(
                magnitudes.begin(), magnitudes.begin() + static_cast<std::ptrdiff_t>(middle));
            threshold = (below + threshold) / 2.0F;
        }
    }
    std::vector<float> strong;
    for (const auto& peak : peaks) {
        if (peak.magnitude >= threshold && peak.frequency > 0.0F) {
            strong.push_back(peak.frequency);
        }
    }
    return pitch_tuning(strong, kTuningResolution, bins_per_octave);
}

TuningEstimator::TuningEstimator(std::int64_t frames, double sample_rate)
    : sample_rate_(sample_rate), frame_peaks_(static_cast<std::size_t>(frames)) {}

void TuningEstimator::add_frame(std::int64_t frame,
                                std::span<const std::complex<double>> spectrum) {
    piptrack_frame(spectrum, sample_rate_, kTuningFftSize,
                   frame_peaks_[static_cast<std::size_t>(frame)]);
}

double TuningEstimator::tuning(int bins_per_octave) const {
    std::vector<PitchPeak> peaks;
    for (const auto& list : frame_peaks_) {
        peaks.insert(peaks.end(), list.begin(), list.end());
    }
    return tuning_from_peaks(peaks, bins_per_octave);
}

double estimate_tuning(std::span<const float> samples, int sample_rate, int bins_per_octave,
                       int threads) {
    TuningEstimator estimator(
        stft_frame_count(static_cast<std::int64_t>(samples.size()), kTuningHop), sample_rate);
    for_each_stft_frame(
        samples, kTuningFftSize, kTuningHop, periodic_hann(kTuningFftSize),
        [&](int /*worker*/, std::int64_t frame, std::span<const std::complex<double>> spectrum) {
            estimator.add_frame(frame, spectrum);
        },
        threads);
    return estimator.tuning(bins_per_octave);
}

}  // namespace bgv::features
