#include "features/cqt.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>

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

// One octave's filters as dense complex64 weights over contiguous bin ranges (bins librosa's
// sparsity dropped inside a range weigh 0), read from one shared span of bins.
struct DenseOctaveFilters {
    int low = 0;                     // first bin any filter reads
    int span = 0;                    // bins [low, low + span) are read
    std::vector<int> first;          // per filter: first bin - low
    std::vector<int> count;          // per filter: bins in its range
    std::vector<std::size_t> start;  // per filter: offset into weight_re / weight_im
    std::vector<double> weight_re;
    std::vector<double> weight_im;
};

DenseOctaveFilters dense_filters(const OctaveFilterBank& bank) {
    DenseOctaveFilters dense;
    int low = bank.n_fft;
    int high = 0;
    for (const auto& filter : bank.filters) {
        if (!filter.bins.empty()) {
            low = std::min(low, filter.bins.front());
            high = std::max(high, filter.bins.back() + 1);
        }
    }
    dense.low = std::min(low, high);
    dense.span = std::max(0, high - low);
    for (const auto& filter : bank.filters) {
        const int first = filter.bins.empty() ? dense.low : filter.bins.front();
        const int count = filter.bins.empty() ? 0 : filter.bins.back() + 1 - first;
        dense.first.push_back(first - dense.low);
        dense.count.push_back(count);
        dense.start.push_back(dense.weight_re.size());
        dense.weight_re.resize(dense.weight_re.size() + static_cast<std::size_t>(count), 0.0);
        dense.weight_im.resize(dense.weight_im.size() + static_cast<std::size_t>(count), 0.0);
        for (std::size_t i = 0; i < filter.bins.size(); ++i) {
            const auto at = dense.start.back() + static_cast<std::size_t>(filter.bins[i] - first);
            dense.weight_re[at] = filter.weights[i].real();
            dense.weight_im[at] = filter.weights[i].imag();
        }
    }
    return dense;
}

// One octave's rows of the transform for frames [first, end): |filter · STFT| / sqrt(len) into
// rows first_bin, first_bin + 1, ... of `block`, whose column 0 is frame `first`.
void octave_magnitudes(const SignalWindow& signal, int hop, int n_fft,
                       const DenseOctaveFilters& dense, std::span<const double> root_lengths,
                       int first_bin, std::int64_t first, std::int64_t end, CqtMagnitude& block,
                       int threads) {
    const int n_filters = static_cast<int>(dense.count.size());
    std::vector<std::vector<double>> scratch(
        static_cast<std::size_t>(threads),
        std::vector<double>(2 * static_cast<std::size_t>(dense.span)));
    for_each_stft_frame(
        signal, n_fft, hop, {},
        [&](int worker, std::int64_t frame, std::span<const std::complex<double>> spectrum) {
            // librosa's STFT is complex64: round the bins the filters read, once per frame.
            double* re = scratch[static_cast<std::size_t>(worker)].data();
            double* im = re + dense.span;
            for (int i = 0; i < dense.span; ++i) {
                const auto bin = spectrum[static_cast<std::size_t>(dense.low + i)];
                re[i] = static_cast<float>(bin.real());
                im[i] = static_cast<float>(bin.imag());
            }
            for (int f = 0; f < n_filters; ++f) {
                const auto filter = static_cast<std::size_t>(f);
                const double* w_re = dense.weight_re.data() + dense.start[filter];
                const double* w_im = dense.weight_im.data() + dense.start[filter];
                const double* x_re = re + dense.first[filter];
                const double* x_im = im + dense.first[filter];
                // Four interleaved partial sums: the order is free (librosa sums in float32), and
                // independent chains let the multiply-adds overlap.
                double acc_re[4] = {0, 0, 0, 0};
                double acc_im[4] = {0, 0, 0, 0};
                const int count = dense.count[filter];
                int j = 0;
                for (; j + 4 <= count; j += 4) {
                    for (int u = 0; u < 4; ++u) {
                        acc_re[u] += w_re[j + u] * x_re[j + u] - w_im[j + u] * x_im[j + u];
                        acc_im[u] += w_re[j + u] * x_im[j + u] + w_im[j + u] * x_re[j + u];
                    }
                }
                for (; j < count; ++j) {
                    acc_re[0] += w_re[j] * x_re[j] - w_im[j] * x_im[j];
                    acc_im[0] += w_re[j] * x_im[j] + w_im[j] * x_re[j];
                }
                const double sum_re = (acc_re[0] + acc_re[1]) + (acc_re[2] + acc_re[3]);
                const double sum_im = (acc_im[0] + acc_im[1]) + (acc_im[2] + acc_im[3]);
                // The complex64 response divided by sqrt(length) (in double, rounded back to
                // complex64), then its float32 magnitude.
                const std::complex<double> stored(static_cast<float>(sum_re),
                                                  static_cast<float>(sum_im));
                block.magnitude[static_cast<std::size_t>((first_bin + f) * block.frames + frame -
                                                         first)] =
                    magnitude_of(stored / root_lengths[filter]);
            }
        },
        threads, first, end);
}

}  // namespace

double c1_hz() {
    return 440.0 * std::pow(2.0, (24 - 69.0) / 12.0);
}

// Everything about a transform that does not depend on the frames asked for.
struct CqtBlocks::Plan {
    int n_bins = 0;
    std::int64_t frames = 0;
    std::vector<int> hops;       // per octave, at its stage's rate
    std::vector<int> stage;      // per octave: its signal in `chain`
    std::vector<int> n_fft;      // per octave
    std::vector<int> first_bin;  // per octave: its lowest bin
    std::vector<DenseOctaveFilters> filters;
    std::vector<std::vector<double>> root_lengths;  // per octave, per filter
    std::unique_ptr<OctaveChain> chain;
};

CqtBlocks::CqtBlocks(std::span<const float> samples, int sample_rate, int hop, const CqtSpec& spec)
    : plan_(std::make_unique<Plan>()) {
    if (samples.empty()) {
        fail("constant-Q transform of an empty signal");
    }
    Plan& plan = *plan_;
    plan.n_bins = spec.n_bins;
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
    std::vector<int> factors;
    double rate = sample_rate;
    const int early = early_downsample_count(nyquist, cutoff_hz, hop, n_octaves);
    if (early > 0) {
        const int factor = 1 << early;
        if (samples.size() < static_cast<std::size_t>(factor)) {
            fail("a signal of {} samples is too short for a {}-octave constant-Q transform",
                 samples.size(), n_octaves);
        }
        hop /= factor;
        factors.push_back(factor);
        rate /= factor;
    }
    // Each octave after the first halves the rate and the hop while the hop stays even.
    const int top_stage = static_cast<int>(factors.size());
    plan.hops.push_back(hop);
    plan.stage.push_back(top_stage);
    for (int octave = 1; octave < n_octaves; ++octave) {
        const bool halve = plan.hops.back() % 2 == 0;
        if (halve)
            factors.push_back(2);
        plan.hops.push_back(halve ? plan.hops.back() / 2 : plan.hops.back());
        plan.stage.push_back(static_cast<int>(factors.size()));
    }
    plan.chain = std::make_unique<OctaveChain>(samples, factors);
    plan.frames = stft_frame_count(plan.chain->length(top_stage), plan.hops.front());
    for (int octave = 0; octave < n_octaves; ++octave) {
        const auto o = static_cast<std::size_t>(octave);
        plan.frames = std::min(plan.frames,
                               stft_frame_count(plan.chain->length(plan.stage[o]), plan.hops[o]));
    }

    // 1 / sqrt(filter length at the working rate) per bin: librosa's scale=True.
    const auto filter_lengths =
        wavelet_lengths(frequencies, alpha, rate, spec.filter_scale).lengths;
    for (int octave = 0; octave < n_octaves; ++octave) {
        const auto o = static_cast<std::size_t>(octave);
        const double octave_rate = rate / std::ldexp(1.0, plan.stage[o] - top_stage);
        const int last = spec.n_bins - n_filters * octave;
        const int first = std::max(0, spec.n_bins - n_filters * (octave + 1));
        const std::vector<double> octave_freqs(frequencies.begin() + first,
                                               frequencies.begin() + last);
        const std::vector<double> octave_alpha(alpha.begin() + first, alpha.begin() + last);
        const auto bank =
            octave_filter_bank(octave_freqs, octave_alpha, octave_rate, spec.filter_scale,
                               spec.sparsity, std::sqrt(rate / octave_rate));
        plan.n_fft.push_back(bank.n_fft);
        plan.first_bin.push_back(first);
        plan.filters.push_back(dense_filters(bank));
        std::vector<double> roots;
        for (int k = first; k < last; ++k)
            roots.push_back(std::sqrt(filter_lengths[static_cast<std::size_t>(k)]));
        plan.root_lengths.push_back(std::move(roots));
    }
}

CqtBlocks::~CqtBlocks() = default;

std::int64_t CqtBlocks::frames() const {
    return plan_->frames;
}

int CqtBlocks::n_bins() const {
    return plan_->n_bins;
}

void CqtBlocks::compute(std::int64_t first, std::int64_t end, CqtMagnitude& block, int threads) {
    Plan& plan = *plan_;
    end = std::min(end, plan.frames);
    block.n_bins = plan.n_bins;
    block.frames = std::max<std::int64_t>(0, end - first);
    block.magnitude.assign(static_cast<std::size_t>(block.n_bins * block.frames), 0.0F);
    if (block.frames == 0)
        return;
    OctaveChain& chain = *plan.chain;
    std::vector<std::int64_t> keep_from(static_cast<std::size_t>(chain.stages()),
                                        std::numeric_limits<std::int64_t>::max());
    for (std::size_t o = 0; o < plan.hops.size(); ++o) {
        const std::int64_t half = plan.n_fft[o] / 2;
        const std::int64_t hop = plan.hops[o];
        const SignalWindow signal = chain.window(
            plan.stage[o], std::max<std::int64_t>(0, first * hop - half), end * hop + half);
        octave_magnitudes(signal, plan.hops[o], plan.n_fft[o], plan.filters[o],
                          plan.root_lengths[o], plan.first_bin[o], first, end, block, threads);
        auto& from = keep_from[static_cast<std::size_t>(plan.stage[o])];
        from = std::min(from, std::max<std::int64_t>(0, end * hop - half));
    }
    for (int stage = 0; stage < chain.stages(); ++stage) {
        if (keep_from[static_cast<std::size_t>(stage)] != std::numeric_limits<std::int64_t>::max())
            chain.release(stage, keep_from[static_cast<std::size_t>(stage)]);
    }
}

CqtMagnitude cqt_magnitude(std::span<const float> samples, int sample_rate, int hop,
                           const CqtSpec& spec, int threads) {
    CqtBlocks blocks(samples, sample_rate, hop, spec);
    CqtMagnitude cqt;
    blocks.compute(0, blocks.frames(), cqt, threads);
    return cqt;
}

}  // namespace bgv::features
