#include "features/mel.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "features/stft.h"

namespace bgv::features {
namespace {

// Slaney's mel scale: linear below 1 kHz, logarithmic above (librosa.hz_to_mel, htk=False).
constexpr double kLinearHzPerMel = 200.0 / 3;
constexpr double kLogRegionHz = 1000.0;
const double kLogRegionMel = kLogRegionHz / kLinearHzPerMel;
const double kLogStep = std::log(6.4) / 27.0;

double hz_to_mel(double hz) {
    if (hz >= kLogRegionHz) {
        return kLogRegionMel + std::log(hz / kLogRegionHz) / kLogStep;
    }
    return hz / kLinearHzPerMel;
}

double mel_to_hz(double mel) {
    if (mel >= kLogRegionMel) {
        return kLogRegionHz * std::exp(kLogStep * (mel - kLogRegionMel));
    }
    return kLinearHzPerMel * mel;
}

// numpy.linspace(start, stop, n): start + i * step, the last point exactly stop.
std::vector<double> linspace(double start, double stop, int n) {
    std::vector<double> values(static_cast<std::size_t>(n));
    const double step = (stop - start) / (n - 1);
    for (int i = 0; i < n; ++i) {
        values[static_cast<std::size_t>(i)] = i * step + start;
    }
    values.back() = stop;
    return values;
}

}  // namespace

std::vector<MelBand> mel_filter_bank(double sample_rate, int n_fft, int n_mels, double fmin,
                                     double fmax) {
    const int n_bins = n_fft / 2 + 1;
    std::vector<double> fft_hz(static_cast<std::size_t>(n_bins));
    const double bin_hz = 1.0 / (n_fft * (1.0 / sample_rate));  // numpy.fft.rfftfreq
    for (int k = 0; k < n_bins; ++k) {
        fft_hz[static_cast<std::size_t>(k)] = k * bin_hz;
    }
    auto mel_hz = linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2);
    for (auto& m : mel_hz) {
        m = mel_to_hz(m);
    }
    std::vector<MelBand> bank(static_cast<std::size_t>(n_mels));
    for (int band = 0; band < n_mels; ++band) {
        const auto b = static_cast<std::size_t>(band);
        const double lower_width = mel_hz[b + 1] - mel_hz[b];
        const double upper_width = mel_hz[b + 2] - mel_hz[b + 1];
        // Slaney's area normalisation: each band has about the same energy.
        const double area_norm = 2.0 / (mel_hz[b + 2] - mel_hz[b]);
        std::vector<float> weights(static_cast<std::size_t>(n_bins));
        int first = n_bins;
        int last = -1;
        for (int k = 0; k < n_bins; ++k) {
            const double lower = -(mel_hz[b] - fft_hz[static_cast<std::size_t>(k)]) / lower_width;
            const double upper =
                (mel_hz[b + 2] - fft_hz[static_cast<std::size_t>(k)]) / upper_width;
            const double triangle = std::max(0.0, std::min(lower, upper));
            // librosa stores the triangle in float32, then scales it in double and rounds again.
            const auto weight = static_cast<float>(static_cast<float>(triangle) * area_norm);
            weights[static_cast<std::size_t>(k)] = weight;
            if (weight != 0.0F) {
                first = std::min(first, k);
                last = std::max(last, k);
            }
        }
        if (last >= first) {
            bank[b].first_bin = first;
            bank[b].weights.assign(weights.begin() + first, weights.begin() + last + 1);
        }
    }
    return bank;
}

void mel_frame(std::span<const MelBand> bank, std::span<const std::complex<double>> spectrum,
               std::span<double> power, std::span<float> bands) {
    for (std::size_t k = 0; k < spectrum.size(); ++k) {
        power[k] = std::norm(spectrum[k]);
    }
    for (std::size_t band = 0; band < bank.size(); ++band) {
        const auto& filter = bank[band];
        double sum = 0.0;
        for (std::size_t i = 0; i < filter.weights.size(); ++i) {
            sum += filter.weights[i] * power[static_cast<std::size_t>(filter.first_bin) + i];
        }
        bands[band] = static_cast<float>(sum);
    }
}

MelSpectrogram mel_spectrogram(std::span<const float> samples, int sample_rate, int hop,
                               int threads, const SpectrumVisitor& also, double fmax) {
    const auto bank = mel_filter_bank(sample_rate, kMelFftSize, kMelBands, 0.0, fmax);
    MelSpectrogram mel;
    mel.n_mels = kMelBands;
    mel.frames = stft_frame_count(static_cast<std::int64_t>(samples.size()), hop);
    mel.power.assign(static_cast<std::size_t>(kMelBands * mel.frames), 0.0F);
    const auto window = periodic_hann(kMelFftSize);
    std::vector<std::vector<double>> power_scratch(static_cast<std::size_t>(threads),
                                                   std::vector<double>(kMelFftSize / 2 + 1));
    std::vector<std::vector<float>> band_scratch(static_cast<std::size_t>(threads),
                                                 std::vector<float>(kMelBands));
    for_each_stft_frame(
        samples, kMelFftSize, hop, window,
        [&](int worker, std::int64_t frame, std::span<const std::complex<double>> spectrum) {
            if (also) {
                also(worker, frame, spectrum);
            }
            auto& bands = band_scratch[static_cast<std::size_t>(worker)];
            mel_frame(bank, spectrum, power_scratch[static_cast<std::size_t>(worker)], bands);
            for (int band = 0; band < kMelBands; ++band) {
                mel.power[static_cast<std::size_t>(band * mel.frames + frame)] =
                    bands[static_cast<std::size_t>(band)];
            }
        },
        threads);
    return mel;
}

}  // namespace bgv::features
