#include "choreo/beat.h"

#include <algorithm>
#include <cmath>

#include "choreo/beat_stepper.h"
#include "core/assert.h"
#include "core/error.h"

namespace bgv::choreo {

namespace {
constexpr double kSameInstant = 1e-6;  // seconds (as BeatStepper's frame times)

double max_of(std::span<const float> values) {
    double maximum = 0;
    for (const float v : values)
        maximum = std::max(maximum, static_cast<double>(v));
    return maximum;
}

void check_view(const RhythmView& rhythm) {
    const auto frames = static_cast<std::size_t>(rhythm.frames);
    if (rhythm.frames < 0 || !(rhythm.frames_per_second > 0) ||
        rhythm.onset_env_percussive.size() != frames || rhythm.rms_h.size() != frames ||
        rhythm.chroma_h.size() != kPitchClasses * frames) {
        fail("beat choreography: rhythm features do not hold {} frames", rhythm.frames);
    }
}
}  // namespace

void assert_beat_params(const BeatParams& p) {
    // The option table (render/option_table.cpp) checks what a user gives; this holds the stepper
    // to the same ranges.
    BGV_ASSERT(
        p.pulse >= 0 && p.pulse <= 1 && p.offbeat >= 0 && p.offbeat <= 1 && p.motion >= 0 &&
            p.motion <= 1 && p.pulse_decay >= 0.01 && p.pulse_decay <= 10 && p.class_smooth >= 0 &&
            p.class_smooth <= 60 && p.shuffle_bars >= 1 && p.truncation > 0 && p.truncation <= 1,
        "beat parameters out of range: pulse {} offbeat {} motion {} decay {} smooth {} "
        "bars {} truncation {}",
        p.pulse, p.offbeat, p.motion, p.pulse_decay, p.class_smooth, p.shuffle_bars, p.truncation);
}

std::vector<Kick> song_kicks(const RhythmView& rhythm) {
    check_view(rhythm);
    const double env_max = max_of(rhythm.onset_env_percussive);
    const std::int64_t frames = rhythm.frames;
    // The percussive onset strength at `seconds` relative to the song's strongest, the largest
    // within `reach` frames.
    const auto strength_at = [&](double seconds, std::int64_t reach) {
        if (env_max <= 0 || frames == 0)
            return 0.0;
        const std::int64_t centre = std::llround(seconds * rhythm.frames_per_second);
        double strongest = 0;
        for (std::int64_t f = centre - reach; f <= centre + reach; ++f) {
            const auto i = std::clamp<std::int64_t>(f, 0, frames - 1);
            strongest = std::max(strongest, static_cast<double>(rhythm.onset_env_percussive[i]));
        }
        return strongest / env_max;
    };
    std::vector<Kick> kicks;
    for (const double beat : rhythm.beat_times)
        kicks.push_back({beat, std::max(kBeatFloor, strength_at(beat, 1)), true});
    std::size_t next_beat = 0;
    for (const double onset : rhythm.onset_times) {
        while (next_beat < rhythm.beat_times.size() &&
               rhythm.beat_times[next_beat] < onset - kBeatOnsetTolerance)
            ++next_beat;
        const bool on_a_beat = next_beat < rhythm.beat_times.size() &&
                               rhythm.beat_times[next_beat] <= onset + kBeatOnsetTolerance;
        if (!on_a_beat)
            kicks.push_back({onset, strength_at(onset, 0), false});
    }
    std::stable_sort(kicks.begin(), kicks.end(),
                     [](const Kick& a, const Kick& b) { return a.seconds < b.seconds; });
    return kicks;
}

void for_each_beat_frame(const RhythmView& rhythm, std::span<const Kick> kicks,
                         const std::function<void(std::int64_t, const FrameFeatures&)>& visit) {
    check_view(rhythm);
    const std::int64_t frames = rhythm.frames;
    const double rms_max = max_of(rhythm.rms_h);
    std::size_t next_kick = 0;
    FrameFeatures features;
    for (std::int64_t i = 0; i < frames; ++i) {
        const double now = static_cast<double>(i) / rhythm.frames_per_second + kSameInstant;
        const std::size_t first = next_kick;
        while (next_kick < kicks.size() && kicks[next_kick].seconds <= now)
            ++next_kick;
        features.kicks = kicks.subspan(first, next_kick - first);
        features.harmonic = rms_max > 0 ? static_cast<double>(rhythm.rms_h[i]) / rms_max : 0.0;
        for (int p = 0; p < kPitchClasses; ++p)
            features.chroma[p] = rhythm.chroma_h[p * frames + i];
        visit(i, features);
    }
}

BeatCurves beat_curves(const RhythmView& rhythm, const BeatParams& params) {
    const auto kicks = song_kicks(rhythm);
    BeatStepper stepper(std::vector<int>{0}, params, 0, rhythm.chromasort,
                        rhythm.frames_per_second);
    VectorsCollector ignored;
    BeatCurves curves;
    for_each_beat_frame(rhythm, kicks, [&](std::int64_t, const FrameFeatures& features) {
        stepper.step(features, ignored);
        curves.pulse.push_back(stepper.pulse());
        curves.drive.push_back(stepper.drive());
        curves.distance.push_back(stepper.distance());
        curves.rotation.push_back(stepper.rotation());
        ignored.take();
    });
    return curves;
}

Vectors make_beat_vectors(const RhythmView& rhythm, std::span<const int> classes,
                          const BeatParams& params, std::uint64_t seed,
                          std::span<const ClassCue> cues) {
    const auto kicks = song_kicks(rhythm);
    BeatStepper stepper(classes, params, seed, rhythm.chromasort, rhythm.frames_per_second, cues);
    VectorsCollector collected;
    for_each_beat_frame(rhythm, kicks, [&](std::int64_t, const FrameFeatures& features) {
        stepper.step(features, collected);
    });
    return collected.take();
}

}  // namespace bgv::choreo
