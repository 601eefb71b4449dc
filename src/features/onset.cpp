#include "features/onset.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace bgv::features {
namespace {

constexpr float kAminPower = 1e-10F;  // power_to_db's amin, as float32
constexpr float kTopDb = 80.0F;
constexpr int kOnsetLag = 1;

// numba's np.mean of a float32 slice: a float32 running sum, divided as a double.
double numba_mean(const float* begin, const float* end) {
    float sum = 0.0F;
    for (const float* v = begin; v < end; ++v) {
        sum += *v;
    }
    return static_cast<double>(sum) / static_cast<double>(end - begin);
}

struct PeakPickParameters {
    std::int64_t pre_max = 0;
    std::int64_t post_max = 1;
    std::int64_t pre_avg = 0;
    std::int64_t post_avg = 1;
    std::int64_t wait = 0;
    double delta = 0;
};

// util.peak_pick's loop (librosa.util.utils.__peak_pick) over a float32 envelope.
std::vector<std::int64_t> peak_pick(std::span<const float> x, const PeakPickParameters& p) {
    std::vector<std::int64_t> peaks;
    const auto n_values = static_cast<std::int64_t>(x.size());
    const float* v = x.data();
    const auto max_of = [&](std::int64_t from, std::int64_t to) {
        return *std::max_element(v + from, v + to);
    };
    std::int64_t n = 1;
    {
        const bool is_max = v[0] >= max_of(0, std::min(p.post_max, n_values));
        const bool is_high = static_cast<double>(v[0]) >=
                             numba_mean(v, v + std::min(p.post_avg, n_values)) + p.delta;
        if (is_max && is_high) {
            peaks.push_back(0);
            n = p.wait + 1;
        }
    }
    while (n < n_values) {
        const float local_max =
            max_of(std::max<std::int64_t>(0, n - p.pre_max), std::min(n + p.post_max, n_values));
        if (v[n] != local_max) {
            ++n;
            continue;
        }
        const double average = numba_mean(v + std::max<std::int64_t>(0, n - p.pre_avg),
                                          v + std::min(n + p.post_avg, n_values));
        if (!(static_cast<double>(v[n]) >= average + p.delta)) {
            ++n;
            continue;
        }
        peaks.push_back(n);
        n += p.wait + 1;
    }
    return peaks;
}

}  // namespace

double python_floor_divide(double a, double b) {
    // CPython's float_floor_div: the remainder first, so that a // b * b + a % b == a.
    const double mod = std::fmod(a, b);
    double quotient = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) {
        quotient -= 1.0;
    }
    double floored = std::floor(quotient);
    if (quotient - floored > 0.5) {
        floored += 1.0;
    }
    return floored;
}

std::vector<float> onset_strength(std::span<const float> samples, int sample_rate, int hop,
                                  int threads) {
    const auto mel = mel_spectrogram(samples, sample_rate, hop, threads, {}, 0.5 * sample_rate);
    return onset_strength_from_mel(mel, hop);
}

std::vector<float> onset_strength_from_mel(const MelSpectrogram& mel, int hop) {
    if (mel.n_mels != kMelBands) {
        fail("onset strength of {} mel bands, expected {}", mel.n_mels, kMelBands);
    }
    OnsetEnvelope envelope(mel.frames, hop);
    std::vector<float> bands(kMelBands);
    for (std::int64_t t = 0; t < mel.frames; ++t) {
        for (int band = 0; band < kMelBands; ++band) {
            bands[static_cast<std::size_t>(band)] =
                mel.power[static_cast<std::size_t>(band * mel.frames + t)];
        }
        envelope.add_frame(t, bands);
    }
    return envelope.envelope();
}

OnsetEnvelope::OnsetEnvelope(std::int64_t frames, int hop)
    : frames_(std::max<std::int64_t>(frames, 0)), hop_(hop) {
    if (hop < 1) {
        fail("onset strength hop must be positive, not {}", hop);
    }
    db_.resize(static_cast<std::size_t>(frames_ * kMelBands));
}

void OnsetEnvelope::add_frame(std::int64_t frame, std::span<const float> mel_power) {
    // power_to_db in float32 (the floor comes once the loudest value is known).
    float* db = db_.data() + frame * kMelBands;
    for (int band = 0; band < kMelBands; ++band) {
        const float power = std::max(kAminPower, mel_power[static_cast<std::size_t>(band)]);
        db[band] = 10.0F * static_cast<float>(std::log10(static_cast<double>(power)));
    }
}

std::vector<float> OnsetEnvelope::envelope() const {
    std::vector<float> envelope(static_cast<std::size_t>(frames_), 0.0F);
    if (frames_ < 2) {
        return envelope;
    }
    // Floored at top_db below the loudest value.
    const float floor_db = *std::max_element(db_.begin(), db_.end()) - kTopDb;
    // The rise since the previous frame, summed over bands in band order in float32 (numpy's
    // reduction over the leading axis), then the mean; moved later by the lag plus the centring.
    const std::int64_t shift = kOnsetLag + kMelFftSize / (2 * hop_);
    for (std::int64_t t = kOnsetLag; t < frames_; ++t) {
        const std::int64_t i = t - kOnsetLag;
        if (i + shift >= frames_) {
            break;
        }
        const float* now = db_.data() + t * kMelBands;
        const float* before = db_.data() + (t - kOnsetLag) * kMelBands;
        float sum = 0.0F;
        for (int band = 0; band < kMelBands; ++band) {
            sum += std::max(0.0F, std::max(now[band], floor_db) - std::max(before[band], floor_db));
        }
        envelope[static_cast<std::size_t>(i + shift)] = sum / static_cast<float>(kMelBands);
    }
    return envelope;
}

std::vector<std::int64_t> onset_detect(std::span<const float> envelope, int sample_rate, int hop) {
    if (envelope.empty()) {
        return {};
    }
    // Scaled to [0, 1] in float32: (x - min) / (max + tiny).
    const float low = *std::min_element(envelope.begin(), envelope.end());
    std::vector<float> x(envelope.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] = envelope[i] - low;
    }
    const float divisor = *std::max_element(x.begin(), x.end()) + std::numeric_limits<float>::min();
    bool any = false;
    bool finite = true;
    for (auto& value : x) {
        value /= divisor;
        any = any || value != 0.0F;
        finite = finite && std::isfinite(value);
    }
    if (!any || !finite) {
        return {};
    }
    const double rate = sample_rate;
    const auto frames_of = [&](double seconds) {
        return static_cast<std::int64_t>(std::ceil(python_floor_divide(seconds * rate, hop)));
    };
    PeakPickParameters parameters;
    parameters.pre_max = frames_of(0.03);
    parameters.post_max = frames_of(0.0) + 1;
    parameters.pre_avg = frames_of(0.1);
    parameters.post_avg = frames_of(0.1) + 1;
    parameters.wait = frames_of(0.03);
    parameters.delta = static_cast<double>(0.07F);  // numba passes delta as float32
    return peak_pick(x, parameters);
}

}  // namespace bgv::features
