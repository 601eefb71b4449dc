#include "features/frame_times.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "features/chroma.h"
#include "features/power.h"

namespace bgv::features {

int analysis_hop(const FrameRate& rate, int sample_rate) {
    if (const int hop = rate.whole_hop(sample_rate); hop > 0)
        return hop;
    const std::int64_t samples_per_frame = static_cast<std::int64_t>(sample_rate) * rate.den;
    return std::max(1, static_cast<int>(samples_per_frame / rate.num));
}

std::vector<float> interpolate_to_frame_times(std::span<const float> curves, int rows,
                                              std::int64_t frames_in, int hop_in, int sample_rate,
                                              const FrameRate& rate, std::int64_t frames_out) {
    if (curves.size() != static_cast<std::size_t>(rows * frames_in))
        fail("interpolation: {} values do not make {} curves of {} frames", curves.size(), rows,
             frames_in);
    std::vector<float> out(static_cast<std::size_t>(rows * frames_out), 0.0f);
    if (frames_in == 0)
        return out;
    // Position of output frame i in input frames: i·den·sample_rate / (num·hop_in), exact in
    // integers up to the fractional part.
    const std::int64_t scale = rate.num * hop_in;
    for (std::int64_t i = 0; i < frames_out; ++i) {
        const std::int64_t numerator = i * rate.den * sample_rate;
        std::int64_t left = numerator / scale;
        double weight = static_cast<double>(numerator % scale) / static_cast<double>(scale);
        if (left >= frames_in - 1) {
            left = frames_in - 1;
            weight = 0;
        }
        const std::int64_t right = std::min(left + 1, frames_in - 1);
        for (int r = 0; r < rows; ++r) {
            const float* row = curves.data() + r * frames_in;
            out[static_cast<std::size_t>(r * frames_out + i)] = static_cast<float>(
                row[left] * (1 - weight) + static_cast<double>(row[right]) * weight);
        }
    }
    return out;
}

namespace {
// Chroma frames are each scaled to a maximum of 1; a blend of two such frames has a maximum of at
// most 1, so it is scaled again.
void rescale_chroma_frames(std::vector<float>& chroma, std::int64_t frames) {
    for (std::int64_t f = 0; f < frames; ++f) {
        float maximum = 0;
        for (int c = 0; c < kPitchClasses; ++c)
            maximum = std::max(maximum, chroma[c * frames + f]);
        if (maximum > 0) {
            for (int c = 0; c < kPitchClasses; ++c)
                chroma[c * frames + f] /= maximum;
        }
    }
}

// The features at hop `hop`, to the frame times of `rate` (a fractional hop: `fine` has the mel).
Features features_at_frame_times(Features fine, std::int64_t samples, const FrameRate& rate,
                                 bool keep_mel) {
    const int sample_rate = fine.sample_rate;
    const int hop = fine.hop;
    const std::int64_t frames = frame_count(samples, sample_rate, rate, FrameCounting::analysis);
    Features out;
    out.sample_rate = sample_rate;
    out.hop = hop;
    out.frames = frames;
    out.tuning = fine.tuning;
    out.mel = interpolate_to_frame_times(fine.mel, kMelBands, fine.frames, hop, sample_rate, rate,
                                         frames);
    Chromagram chroma;
    chroma.frames = frames;
    chroma.tuning = fine.tuning;
    chroma.chroma = interpolate_to_frame_times(fine.chroma, kPitchClasses, fine.frames, hop,
                                               sample_rate, rate, frames);
    rescale_chroma_frames(chroma.chroma, frames);
    out.chromasort = chroma_order(chroma);
    out.chroma = std::move(chroma.chroma);
    auto power = power_and_gradient(out.mel, kMelBands, frames);
    out.spec_mean = std::move(power.spec_mean);
    out.grad_mean = std::move(power.grad_mean);
    if (!keep_mel)
        out.mel = {};
    return out;
}

// The rhythm at its analysis hop, with beat and onset times, to the frame times of `rate`.
TimedRhythm rhythm_at_frame_times(Rhythm rhythm, std::int64_t samples, const FrameRate& rate) {
    constexpr int kRate = kSampleRate;
    const int hop = rhythm.hop;
    TimedRhythm timed;
    timed.rhythm = std::move(rhythm);
    Rhythm& r = timed.rhythm;
    const auto seconds = [&](std::int64_t frame) {
        return static_cast<double>(frame) * hop / kRate;
    };
    for (const auto b : r.beats)
        timed.beat_seconds.push_back(seconds(b));
    for (const auto o : r.onsets)
        timed.onset_seconds.push_back(seconds(o));
    if (rate.whole_hop(kRate) > 0)
        return timed;
    const std::int64_t frames = frame_count(samples, kRate, rate, FrameCounting::analysis);
    const auto at_frames = [&](std::vector<float>& curve, int rows) {
        curve = interpolate_to_frame_times(curve, rows, r.frames, hop, kRate, rate, frames);
    };
    for (auto* curve : {&r.onset_env, &r.onset_env_percussive, &r.plp, &r.rms, &r.rms_h, &r.rms_p})
        at_frames(*curve, 1);
    at_frames(r.chroma_h, kPitchClasses);
    rescale_chroma_frames(r.chroma_h, frames);
    r.frames = frames;
    return timed;
}

}  // namespace

TimedAnalysis analyse_song_at_rate(std::span<const float> samples, int sample_rate,
                                   const FrameRate& rate, const AnalysisParts& parts,
                                   const FeatureOptions& options) {
    const int hop = analysis_hop(rate, sample_rate);
    const bool whole = rate.whole_hop(sample_rate) > 0;
    FeatureOptions fine_options = options;
    if (!whole)
        fine_options.keep_mel = true;  // the interpolated mel gives spec_mean and grad_mean
    SongAnalysis fine = analyse_song(samples, sample_rate, hop, parts, fine_options);
    const auto length = static_cast<std::int64_t>(samples.size());
    TimedAnalysis out;
    if (parts.features) {
        out.features = whole ? std::move(fine.features)
                             : features_at_frame_times(std::move(fine.features), length, rate,
                                                       options.keep_mel);
    }
    if (parts.rhythm)
        out.rhythm = rhythm_at_frame_times(std::move(fine.rhythm), length, rate);
    return out;
}

Features compute_features_at_rate(std::span<const float> samples, int sample_rate,
                                  const FrameRate& rate, const FeatureOptions& options) {
    return analyse_song_at_rate(samples, sample_rate, rate, {.features = true, .rhythm = false},
                                options)
        .features;
}

TimedRhythm compute_rhythm_at_rate(std::span<const float> samples_22050, const FrameRate& rate) {
    return analyse_song_at_rate(samples_22050, kSampleRate, rate,
                                {.features = false, .rhythm = true})
        .rhythm;
}

}  // namespace bgv::features
