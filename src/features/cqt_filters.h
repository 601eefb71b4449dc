// features/cqt_filters: the frequencies, bandwidths and frequency-domain wavelet filters of
// librosa's constant-Q transform (filters.wavelet, __vqt_filter_fft with sparsity), one octave at
// a time.
#pragma once

#include <complex>
#include <vector>

namespace bgv::features {

// librosa.interval_frequencies(n_bins, fmin, "equal", bins_per_octave): fmin · 2^(k / bpo).
std::vector<double> cqt_frequencies(int n_bins, double fmin, int bins_per_octave);

// filters._relative_bandwidth: each bin's bandwidth relative to its frequency.
std::vector<double> relative_bandwidths(const std::vector<double>& frequencies);

// Hann's equivalent noise bandwidth in bins, librosa's WINDOW_BANDWIDTHS["hann"].
inline constexpr double kHannBandwidth = 1.50018310546875;

struct WaveletLengths {
    std::vector<double> lengths;  // filter length in samples per bin (Q · sr / f)
    double cutoff_hz = 0;         // highest frequency any filter reaches
};

// filters.wavelet_lengths for a Hann window, gamma 0 (constant Q) and the given filter scale.
WaveletLengths wavelet_lengths(const std::vector<double>& frequencies,
                               const std::vector<double>& alpha, double sample_rate,
                               double filter_scale);

// One filter's kept frequency bins (librosa's sparse row), values rounded to complex64.
struct SparseFilter {
    std::vector<int> bins;
    std::vector<std::complex<double>> weights;
};

struct OctaveFilterBank {
    int n_fft = 0;  // the STFT length the filters apply to
    std::vector<SparseFilter> filters;
};

// __vqt_filter_fft for one octave's bins at `sample_rate`: unit-L1 Hann-windowed complex
// exponentials centred in a power-of-two frame, scaled by length / n_fft, FFT'd, the non-negative
// frequencies kept, each row's weakest bins summing to `sparsity` of its L1 norm dropped, and the
// whole multiplied by `gain` (librosa's sqrt(sr / my_sr) for downsampled octaves).
OctaveFilterBank octave_filter_bank(const std::vector<double>& frequencies,
                                    const std::vector<double>& alpha, double sample_rate,
                                    double filter_scale, double sparsity, double gain);

}  // namespace bgv::features
