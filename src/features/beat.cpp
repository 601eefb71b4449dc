#include "features/beat.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "features/real_fft.h"
#include "features/stft.h"

namespace bgv::features {
namespace {

constexpr double kTempogramSeconds = 8.0;  // tempo's ac_size
constexpr double kStartBpm = 120.0;
constexpr double kStdBpmOctaves = 1.0;
constexpr double kMaxTempo = 320.0;
constexpr double kTightness = 100.0;

int tempogram_length(int sample_rate, int hop) {
    // time_to_frames: int(seconds * sr) samples, floor-divided by the hop.
    const auto samples = static_cast<std::int64_t>(kTempogramSeconds * sample_rate);
    return static_cast<int>(samples / hop);
}

int even_fft_size_at_least(int n) {
    int size = 2;
    while (size < n) {
        size *= 2;
    }
    return size;
}

// The mean over frames of librosa.feature.tempogram(onset_envelope=envelope, win_length=win):
// the envelope padded by win / 2 linear ramps from 0, a periodic Hann window of `win` frames
// centred on each frame, the window's autocorrelation at lags 0 .. win - 1, scaled to a maximum
// of 1.
std::vector<double> mean_tempogram(std::span<const float> envelope, int win) {
    const auto n = static_cast<std::int64_t>(envelope.size());
    const int half = win / 2;
    std::vector<float> padded(static_cast<std::size_t>(n + 2 * half));
    // np.pad(mode="linear_ramp", end_values=0): linspace(0, edge, half, endpoint=False).
    const double first_step = static_cast<double>(envelope.front()) / half;
    const double last_step = static_cast<double>(envelope.back()) / half;
    for (int i = 0; i < half; ++i) {
        padded[static_cast<std::size_t>(i)] = static_cast<float>(i * first_step);
        padded[static_cast<std::size_t>(n + 2 * half - 1 - i)] = static_cast<float>(i * last_step);
    }
    std::copy(envelope.begin(), envelope.end(), padded.begin() + half);

    const auto window = periodic_hann(win);
    // Any FFT of at least 2 win - 1 points gives the same (linear) autocorrelation.
    const int size = even_fft_size_at_least(2 * win - 1);
    RealFft forward(size);
    InverseRealFft inverse(size);
    std::vector<double> sum(static_cast<std::size_t>(win), 0.0);
    for (std::int64_t t = 0; t < n; ++t) {
        auto in = forward.input();
        std::fill(in.begin(), in.end(), 0.0);
        for (int i = 0; i < win; ++i) {
            in[static_cast<std::size_t>(i)] =
                static_cast<double>(padded[static_cast<std::size_t>(t + i)]) *
                window[static_cast<std::size_t>(i)];
        }
        forward.execute();
        const auto spectrum = forward.output();
        auto power = inverse.input();
        for (std::size_t k = 0; k < spectrum.size(); ++k) {
            power[k] = std::norm(spectrum[k]);
        }
        inverse.execute();
        const auto lags = inverse.output();
        double peak = 0;
        for (int lag = 0; lag < win; ++lag) {
            peak = std::max(peak, std::abs(lags[static_cast<std::size_t>(lag)]));
        }
        // util.normalize leaves frames below float64's tiny as they are; the 1/size of the inverse
        // FFT cancels in the scaling.
        const double scale =
            peak < std::numeric_limits<double>::min() * size ? 1.0 / size : 1.0 / peak;
        for (int lag = 0; lag < win; ++lag) {
            sum[static_cast<std::size_t>(lag)] += lags[static_cast<std::size_t>(lag)] * scale;
        }
    }
    for (auto& value : sum) {
        value /= static_cast<double>(n);
    }
    return sum;
}

// __normalize_onsets: the envelope divided by its sample standard deviation (ddof 1), float32.
std::vector<double> normalized_onsets(std::span<const float> envelope) {
    const auto n = static_cast<double>(envelope.size());
    double mean = 0;
    for (const float v : envelope) {
        mean += v;
    }
    mean /= n;
    double squares = 0;
    for (const float v : envelope) {
        squares += (v - mean) * (v - mean);
    }
    const auto deviation = static_cast<float>(std::sqrt(squares / (n - 1)));
    const float divisor = deviation + std::numeric_limits<float>::min();
    std::vector<double> normalized(envelope.size());
    for (std::size_t i = 0; i < envelope.size(); ++i) {
        normalized[i] = static_cast<double>(envelope[i] / divisor);
    }
    return normalized;
}

// __beat_local_score: a same-size convolution with a Gaussian of ±1 beat (σ = beat / 32), summed
// as librosa's loop does (which never reads the envelope's first value).
std::vector<double> local_score(std::span<const double> onsets, double frames_per_beat) {
    const auto n = static_cast<std::int64_t>(onsets.size());
    const auto reach = static_cast<std::int64_t>(frames_per_beat);
    const std::int64_t width = 2 * reach + 1;
    std::vector<double> window(static_cast<std::size_t>(width));
    for (std::int64_t k = 0; k < width; ++k) {
        const double offset = static_cast<double>(k - reach) * 32.0 / frames_per_beat;
        window[static_cast<std::size_t>(k)] = std::exp(-0.5 * (offset * offset));
    }
    std::vector<double> score(onsets.size(), 0.0);
    const std::int64_t centre = width / 2;
    for (std::int64_t i = 0; i < n; ++i) {
        double sum = 0;
        for (std::int64_t k = std::max<std::int64_t>(0, i + centre - n + 1);
             k < std::min(i + centre, width); ++k) {
            sum += window[static_cast<std::size_t>(k)] *
                   onsets[static_cast<std::size_t>(i + centre - k)];
        }
        score[static_cast<std::size_t>(i)] = sum;
    }
    return score;
}

struct DynamicProgram {
    std::vector<std::int64_t> backlink;
    std::vector<double> cumulative;
};

// __beat_track_dp: each frame's best predecessor between half a beat and two beats back, scored
// by its cumulative score minus tightness · log(interval / beat)²; frames before the first local
// score of at least 1% of the maximum start no chain.
DynamicProgram track(std::span<const double> score, double frames_per_beat) {
    const auto n = static_cast<std::int64_t>(score.size());
    DynamicProgram dp;
    dp.backlink.assign(score.size(), -1);
    dp.cumulative.assign(score.size(), 0.0);
    const double threshold = 0.01 * *std::max_element(score.begin(), score.end());
    const auto nearest = static_cast<std::int64_t>(std::nearbyint(frames_per_beat / 2));
    const auto farthest = static_cast<std::int64_t>(2 * frames_per_beat);
    const double log_period = std::log(frames_per_beat);
    bool first_beat = true;
    for (std::int64_t i = 0; i < n; ++i) {
        double best = -std::numeric_limits<double>::infinity();
        std::int64_t best_at = -1;
        for (std::int64_t at = i - nearest; at >= i - farthest && at >= 0; --at) {
            const double off = std::log(static_cast<double>(i - at)) - log_period;
            const double candidate =
                dp.cumulative[static_cast<std::size_t>(at)] - kTightness * (off * off);
            if (candidate > best) {
                best = candidate;
                best_at = at;
            }
        }
        const double own = score[static_cast<std::size_t>(i)];
        dp.cumulative[static_cast<std::size_t>(i)] = best_at >= 0 ? own + best : own;
        if (first_beat && own < threshold) {
            dp.backlink[static_cast<std::size_t>(i)] = -1;
        } else {
            dp.backlink[static_cast<std::size_t>(i)] = best_at;
            first_beat = false;
        }
    }
    return dp;
}

// __last_beat: the last local maximum of the cumulative score that reaches half the median of
// all its local maxima (the last frame when there is none).
std::int64_t last_beat(std::span<const double> cumulative) {
    const auto n = static_cast<std::int64_t>(cumulative.size());
    std::vector<bool> peak(cumulative.size(), false);
    for (std::int64_t i = 1; i + 1 < n; ++i) {
        const auto at = static_cast<std::size_t>(i);
        peak[at] = cumulative[at] > cumulative[at - 1] && cumulative[at] >= cumulative[at + 1];
    }
    if (n >= 2) {
        peak.back() = cumulative[cumulative.size() - 1] > cumulative[cumulative.size() - 2];
    }
    std::vector<double> peaks;
    for (std::size_t i = 0; i < cumulative.size(); ++i) {
        if (peak[i]) {
            peaks.push_back(cumulative[i]);
        }
    }
    if (peaks.empty()) {
        return n - 1;
    }
    std::sort(peaks.begin(), peaks.end());
    const std::size_t middle = peaks.size() / 2;
    const double median =
        peaks.size() % 2 == 1 ? peaks[middle] : (peaks[middle - 1] + peaks[middle]) / 2.0;
    const double threshold = 0.5 * median;
    for (std::int64_t i = n - 1; i >= 0; --i) {
        if (peak[static_cast<std::size_t>(i)] &&
            cumulative[static_cast<std::size_t>(i)] >= threshold) {
            return i;
        }
    }
    return n - 1;
}

// __trim_beats: the threshold is half the RMS of the beats' local scores smoothed by a 5-point
// Hann window (librosa's slice of the full convolution keeps two values past the last beat);
// frames from either end up to the first local score above it lose their beats.
void trim_beats(std::span<const double> score, std::vector<bool>& is_beat) {
    std::vector<double> beat_scores;
    for (std::size_t i = 0; i < score.size(); ++i) {
        if (is_beat[i]) {
            beat_scores.push_back(score[i]);
        }
    }
    const auto count = static_cast<std::int64_t>(beat_scores.size());
    const auto value = [&](std::int64_t j) {
        return j >= 0 && j < count ? beat_scores[static_cast<std::size_t>(j)] : 0.0;
    };
    // Full convolution with [0, 0.5, 1, 0.5, 0], entries [2, min(count + 4, frames + 2)).
    const std::int64_t end =
        std::min<std::int64_t>(count + 4, static_cast<std::int64_t>(score.size()) + 2);
    double squares = 0;
    for (std::int64_t j = 2; j < end; ++j) {
        const double smooth = 0.5 * value(j - 1) + value(j - 2) + 0.5 * value(j - 3);
        squares += smooth * smooth;
    }
    const double threshold =
        end > 2 ? 0.5 * std::sqrt(squares / static_cast<double>(end - 2)) : 0.0;
    const auto n = static_cast<std::int64_t>(score.size());
    for (std::int64_t i = 0; i < n && score[static_cast<std::size_t>(i)] <= threshold; ++i) {
        is_beat[static_cast<std::size_t>(i)] = false;
    }
    for (std::int64_t i = n - 1; i >= 0 && score[static_cast<std::size_t>(i)] <= threshold; --i) {
        is_beat[static_cast<std::size_t>(i)] = false;
    }
}

}  // namespace

double estimate_tempo(std::span<const float> envelope, int sample_rate, int hop) {
    if (envelope.empty() || hop < 1) {
        fail("tempo of an empty onset envelope or at hop {}", hop);
    }
    const int win = tempogram_length(sample_rate, hop);
    if (win < 2) {
        fail("a hop of {} samples leaves no tempogram", hop);
    }
    const auto tempogram = mean_tempogram(envelope, win);
    double best = -std::numeric_limits<double>::infinity();
    double best_bpm = 0;
    bool below_max = false;
    for (int lag = 1; lag < win; ++lag) {
        const double bpm = 60.0 * sample_rate / (hop * static_cast<double>(lag));
        below_max = below_max || bpm < kMaxTempo;  // lags before the first one under 320 BPM: -inf
        const double off = (std::log2(bpm) - std::log2(kStartBpm)) / kStdBpmOctaves;
        const double prior =
            below_max ? -0.5 * (off * off) : -std::numeric_limits<double>::infinity();
        const double value = std::log1p(1e6 * tempogram[static_cast<std::size_t>(lag)]) + prior;
        if (value > best) {
            best = value;
            best_bpm = bpm;
        }
    }
    return best_bpm;
}

BeatTrack beat_track(std::span<const float> envelope, int sample_rate, int hop) {
    BeatTrack result;
    if (std::none_of(envelope.begin(), envelope.end(), [](float v) { return v != 0.0F; })) {
        return result;
    }
    result.tempo = estimate_tempo(envelope, sample_rate, hop);
    if (envelope.size() < 2 || !(result.tempo > 0)) {
        return result;  // librosa divides by zero here (a standard deviation of one value)
    }
    const double frame_rate = static_cast<double>(sample_rate) / hop;
    const double frames_per_beat = std::nearbyint(frame_rate * 60.0 / result.tempo);
    const auto onsets = normalized_onsets(envelope);
    const auto score = local_score(onsets, frames_per_beat);
    const auto dp = track(score, frames_per_beat);
    std::vector<bool> is_beat(envelope.size(), false);
    for (std::int64_t at = last_beat(dp.cumulative); at >= 0;
         at = dp.backlink[static_cast<std::size_t>(at)]) {
        is_beat[static_cast<std::size_t>(at)] = true;
    }
    trim_beats(score, is_beat);
    for (std::size_t i = 0; i < is_beat.size(); ++i) {
        if (is_beat[i]) {
            result.beats.push_back(static_cast<std::int64_t>(i));
        }
    }
    return result;
}

}  // namespace bgv::features
