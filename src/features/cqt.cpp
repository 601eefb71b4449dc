#include "features/cqt.h"

#include <algorithm>
#include <cmath>
#include <complex>

#include "core/error.h"
#include "features/cqt_filters.h"
#include "features/octave_resample.h"
#include "features/stft.h"

namespace bgv::features {
namespace {

int factors_of_two(int x) {
    if (x <= 0) {
        return 0;
    }
    int count = 0;
    while (x % 2 == 0) {
        ++count;
        x /= 2;
    }
    return count;
}

// librosa's __early_downsample_count: whole octaves the signal can lose before the first octave's
// filters, limited by the highest filter's reach and by the hop's factors of two.
int early_downsample_count(double nyquist, double cutoff_hz, int hop, int n_octaves) {
    const int by_bandwidth =
        std::max(0, static_cast<int>(std::ceil(std::log2(nyquist / cutoff_hz)) - 1) - 1);
    const int by_hop = std::max(0, factors_of_two(hop) - n_octaves + 1);
    return std::min(by_bandwidth, by_hop);
}

// One octave's filter responses (complex, before the length scaling) for every frame of its STFT.
struct OctaveResponse {
    std::int64_t frames = 0;
    int n_filters = 0;
    std::vector<std::complex<double>> values;  // frame-major: frames × n_filters
};

OctaveResponse octave_response(std::span<const float> samples, int hop,
                               const OctaveFilterBank& bank, int threads) {
    OctaveResponse response;
    response.frames = stft_frame_count(static_cast<std::int64_t>(samples.size()), hop);
    response.n_filters = static_cast<int>(bank.filters.size());
    response.values.resize(static_cast<std::size_t>(response.frames * response.n_filters));
    // The filters as flat arrays over the span of bins any of them uses.
    int low = bank.n_fft;
    int high = 0;
    for (const auto& filter : bank.filters) {
        for (const int bin : filter.bins) {
            low = std::min(low, bin);
            high = std::max(high, bin + 1);
        }
    }
    const int span = std::max(0, high - low);
    std::vector<int> offsets;
    std::vector<int> starts{0};
    std::vector<double> weight_re;
    std::vector<double> weight_im;
    for (const auto& filter : bank.filters) {
        for (std::size_t i = 0; i < filter.bins.size(); ++i) {
            offsets.push_back(filter.bins[i] - low);
            weight_re.push_back(filter.weights[i].real());
            weight_im.push_back(filter.weights[i].imag());
        }
        starts.push_back(static_cast<int>(offsets.size()));
    }
    std::vector<std::vector<double>> scratch(
        static_cast<std::size_t>(threads), std::vector<double>(2 * static_cast<std::size_t>(span)));
    for_each_stft_frame(
        samples, bank.n_fft, hop, {},
        [&](int worker, std::int64_t frame, std::span<const std::complex<double>> spectrum) {
            // librosa's STFT is complex64: round the bins the filters read, once per frame.
            double* re = scratch[static_cast<std::size_t>(worker)].data();
            double* im = re + span;
            for (int i = 0; i < span; ++i) {
                const auto bin = spectrum[static_cast<std::size_t>(low + i)];
                re[i] = static_cast<float>(bin.real());
                im[i] = static_cast<float>(bin.imag());
            }
            auto* out = response.values.data() + frame * response.n_filters;
            for (int f = 0; f < response.n_filters; ++f) {
                double sum_re = 0;
                double sum_im = 0;
                for (int j = starts[static_cast<std::size_t>(f)];
                     j < starts[static_cast<std::size_t>(f) + 1]; ++j) {
                    const auto at = static_cast<std::size_t>(j);
                    const int k = offsets[at];
                    sum_re += weight_re[at] * re[k] - weight_im[at] * im[k];
                    sum_im += weight_re[at] * im[k] + weight_im[at] * re[k];
                }
                out[f] = {sum_re, sum_im};
            }
        },
        threads);
    return response;
}

}  // namespace

double c1_hz() {
    return 440.0 * std::pow(2.0, (24 - 69.0) / 12.0);
}

CqtMagnitude cqt_magnitude(std::span<const float> samples, int sample_rate, int hop,
                           const CqtSpec& spec, int threads) {
    if (samples.empty()) {
        fail("constant-Q transform of an empty signal");
    }
    const int n_octaves = (spec.n_bins + spec.bins_per_octave - 1) / spec.bins_per_octave;
    const int n_filters = std::min(spec.bins_per_octave, spec.n_bins);
    const double fmin = (spec.fmin_hz > 0 ? spec.fmin_hz : c1_hz()) *
                        std::pow(2.0, spec.tuning / spec.bins_per_octave);
    const auto frequencies = cqt_frequencies(spec.n_bins, fmin, spec.bins_per_octave);
    const auto alpha = relative_bandwidths(frequencies);
    const double cutoff_hz =
        wavelet_lengths(frequencies, alpha, sample_rate, spec.filter_scale).cutoff_hz;
    const double nyquist = sample_rate / 2.0;
    if (cutoff_hz > nyquist) {
        fail("constant-Q filters reach {:.1f} Hz, above the Nyquist frequency {:.1f} Hz", cutoff_hz,
             nyquist);
    }

    // Early downsampling: the top octave may not need the full rate.
    std::vector<float> signal(samples.begin(), samples.end());
    double rate = sample_rate;
    const int early = early_downsample_count(nyquist, cutoff_hz, hop, n_octaves);
    if (early > 0) {
        const int factor = 1 << early;
        if (static_cast<int>(signal.size()) < factor) {
            fail("a signal of {} samples is too short for a {}-octave constant-Q transform",
                 signal.size(), n_octaves);
        }
        hop /= factor;
        signal = downsample_soxr_hq(signal, factor);
        rate /= factor;
    }

    // Octaves from the top down, each at half the previous rate while the hop stays even.
    std::vector<OctaveResponse> responses;
    std::vector<int> octave_first_bin;
    double octave_rate = rate;
    int octave_hop = hop;
    for (int octave = 0; octave < n_octaves; ++octave) {
        const int last = spec.n_bins - n_filters * octave;
        const int first = std::max(0, spec.n_bins - n_filters * (octave + 1));
        const std::vector<double> octave_freqs(frequencies.begin() + first,
                                               frequencies.begin() + last);
        const std::vector<double> octave_alpha(alpha.begin() + first, alpha.begin() + last);
        const auto bank =
            octave_filter_bank(octave_freqs, octave_alpha, octave_rate, spec.filter_scale,
                               spec.sparsity, std::sqrt(rate / octave_rate));
        responses.push_back(octave_response(signal, octave_hop, bank, threads));
        octave_first_bin.push_back(first);
        if (octave_hop % 2 == 0) {
            octave_hop /= 2;
            octave_rate /= 2.0;
            signal = downsample_soxr_hq(signal, 2);
        }
    }

    // Trim every octave to the shortest and scale by 1 / sqrt(filter length at the working rate).
    const auto lengths = wavelet_lengths(frequencies, alpha, rate, spec.filter_scale).lengths;
    CqtMagnitude cqt;
    cqt.n_bins = spec.n_bins;
    cqt.frames = responses.front().frames;
    for (const auto& response : responses) {
        cqt.frames = std::min(cqt.frames, response.frames);
    }
    cqt.magnitude.assign(static_cast<std::size_t>(cqt.n_bins * cqt.frames), 0.0F);
    for (std::size_t o = 0; o < responses.size(); ++o) {
        const auto& response = responses[o];
        for (int f = 0; f < response.n_filters; ++f) {
            const int bin = octave_first_bin[o] + f;
            const double root_length = std::sqrt(lengths[static_cast<std::size_t>(bin)]);
            float* row = cqt.magnitude.data() + static_cast<std::int64_t>(bin) * cqt.frames;
            for (std::int64_t t = 0; t < cqt.frames; ++t) {
                const auto value =
                    response.values[static_cast<std::size_t>(t * response.n_filters + f)];
                // complex64 response, divided by sqrt(length) in double, then |.| in float32.
                const std::complex<double> stored(static_cast<float>(value.real()),
                                                  static_cast<float>(value.imag()));
                const auto scaled = stored / root_length;
                row[t] = magnitude_of(scaled);
            }
        }
    }
    return cqt;
}

}  // namespace bgv::features
