// BeatPredictor on audio through StreamAnalyzer, as the live loop runs them: click tracks at
// several tempi lock within a stated time and then declare and predict every beat within ±20 ms of
// its click; a tempo change re-locks within a stated time, while a figure 4:3 of the beat played
// over it does not take the tempo (the tempo hold); on real fixtures the declared beats
// score an F-measure against librosa's beats (data/rhythm) above stated bounds; silence declares
// nothing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "audio/load.h"
#include "core/assert.h"
#include "features/beat.h"
#include "features/beat_predictor.h"
#include "features/features.h"
#include "features/onset.h"
#include "features/stream_analysis.h"
#include "reference.h"
#include "support/beat_scores.h"

namespace bgv::features {
namespace {

constexpr int kRate = kSampleRate;
constexpr int kHop = 512;

// Clicks (a 10 ms decaying 1 kHz burst) at the given times over a faint noise floor (-46 dBFS).
std::vector<float> click_track(const std::vector<double>& clicks, double seconds) {
    std::vector<float> y(static_cast<std::size_t>(seconds * kRate));
    std::mt19937 rng(20261206U);
    std::normal_distribution<float> noise(0.0F, 0.005F);
    for (auto& v : y) {
        v = noise(rng);
    }
    for (const double c : clicks) {
        const auto start = static_cast<std::size_t>(std::lround(c * kRate));
        for (std::size_t k = 0; k < 600 && start + k < y.size(); ++k) {
            const double t = static_cast<double>(k) / kRate;
            y[start + k] += static_cast<float>(0.8 * std::sin(2 * std::numbers::pi * 1000 * t) *
                                               std::exp(-t / 0.007));
        }
    }
    return y;
}

// Click times: `bpm` from 0.5 s to `change`, then `then_bpm` to the end.
std::vector<double> clicks_at(double bpm, double change, double then_bpm, double seconds) {
    std::vector<double> clicks;
    for (double t = 0.5; t < seconds - 0.1; t += 60.0 / (t < change ? bpm : then_bpm)) {
        clicks.push_back(t);
    }
    return clicks;
}

struct Run {
    std::vector<double> declared;
    // The next beat at least 100 ms ahead, as predicted at each frame while locked.
    struct Prediction {
        double made = 0;
        double beat = 0;
    };
    std::vector<Prediction> ahead;
    double locked_since = std::numeric_limits<double>::infinity();  // the last unlocked → locked
    double final_bpm = 0;
    bool locked = false;
};

Run track(std::span<const float> samples, const BeatPredictorOptions& options = {}) {
    StreamAnalyzer analyzer;
    BeatPredictor predictor(kRate, kHop, options);
    Run run;
    const auto sink = [&](const AnalysisFrame& f) {
        const bool was_locked = predictor.locked();
        predictor.push(f.onset_index, f.onset);
        if (!predictor.locked()) {
            run.locked_since = std::numeric_limits<double>::infinity();
            return;
        }
        if (!was_locked) {
            run.locked_since = predictor.now_seconds();
        }
        const auto next = predictor.next_beats(predictor.now_seconds() + 0.1, 1);
        run.ahead.push_back({predictor.now_seconds(), next.front()});
    };
    analyzer.push(samples, sink);
    analyzer.finish(sink);
    run.declared = predictor.declared_beats();
    run.final_bpm = predictor.tempo_bpm();
    run.locked = predictor.locked();
    return run;
}

// Where librosa puts these clicks' beats: its beat_track on the same audio, as compute_rhythm runs
// it, places them a fraction of an envelope frame after the attack; the predictor keeps librosa's
// time scale (its beats are the file render's). The median offset over the clicks matched.
double librosa_offset(std::span<const float> samples, const std::vector<double>& clicks) {
    const auto envelope = onset_strength(samples, kRate, kHop, 1);
    const auto beats = beat_track(envelope, kRate, kHop).beats;
    std::vector<double> offsets;
    for (const auto frame : beats) {
        const double offset =
            test::distance_to_nearest(static_cast<double>(frame * kHop) / kRate, clicks);
        if (std::abs(offset) < 0.05) {
            offsets.push_back(offset);
        }
    }
    BGV_ASSERT(!offsets.empty());
    std::nth_element(offsets.begin(),
                     offsets.begin() + static_cast<std::ptrdiff_t>(offsets.size() / 2),
                     offsets.end());
    return offsets[offsets.size() / 2];
}

// The lock time: from `from`, the time to the first declared beat of the run of declared beats
// that all lie within `tolerance` of where librosa puts a click's beat up to `to` (infinite when
// none does).
double lock_time(const Run& run, const std::vector<double>& beats, double from, double to,
                 double tolerance) {
    double run_start = std::numeric_limits<double>::infinity();
    for (const double b : run.declared) {
        if (b < from || b > to) {
            continue;
        }
        if (std::abs(test::distance_to_nearest(b, beats)) > tolerance) {
            run_start = std::numeric_limits<double>::infinity();
        } else if (!std::isfinite(run_start)) {
            run_start = b;
        }
    }
    return run_start - from;
}

// The clicks moved to librosa's time scale.
std::vector<double> shifted(const std::vector<double>& clicks, double offset) {
    std::vector<double> beats;
    for (const double c : clicks) {
        beats.push_back(c + offset);
    }
    return beats;
}

constexpr double kTolerance = 0.020;

class ClickTrack : public ::testing::TestWithParam<double> {};

// locked() within 8 s (measured 4.1 to 7.4 s: the tempo needs its 6 s window, the grid 4 steady
// beats), and from then on every declared beat, and every beat as predicted 100 ms ahead, within
// ±20 ms of librosa's beat (measured: at most 8 ms declared, 10 ms predicted).
TEST_P(ClickTrack, LocksAndPredictsEveryBeat) {
    const double bpm = GetParam();
    const double seconds = 40;
    const auto clicks = clicks_at(bpm, seconds, bpm, seconds);
    const auto samples = click_track(clicks, seconds);
    const double offset = librosa_offset(samples, clicks);
    const auto beats = shifted(clicks, offset);
    auto run = track(samples);
    // The grid goes on past the last click until it notices the silence: not scored.
    std::erase_if(run.declared, [&](double b) { return b > beats.back() + 0.1; });
    double worst_declared = 0;
    for (const double b : run.declared) {
        if (b >= run.locked_since) {
            worst_declared =
                std::max(worst_declared, std::abs(test::distance_to_nearest(b, beats)));
        }
    }
    // Each beat as predicted at the last frame at least 100 ms before it (the next record already
    // predicts the beat after it).
    double worst_ahead = 0;
    int predicted = 0;
    for (std::size_t i = 0; i + 1 < run.ahead.size(); ++i) {
        const auto& [made, beat] = run.ahead[i];
        const bool last_for_this_beat = run.ahead[i + 1].beat - beat > 0.15;
        if (last_for_this_beat && made >= run.locked_since && beat < beats.back() + 0.1) {
            worst_ahead = std::max(worst_ahead, std::abs(test::distance_to_nearest(beat, beats)));
            ++predicted;
        }
    }
    fmt::print(
        "{} BPM: librosa's beats {:.1f} ms after the clicks; locked at {:.2f} s, tempo {:.2f}; "
        "worst error of the declared beats {:.1f} ms, of {} beats predicted 100 ms ahead {:.1f} "
        "ms\n",
        bpm, offset * 1000, run.locked_since, run.final_bpm, worst_declared * 1000, predicted,
        worst_ahead * 1000);
    EXPECT_LE(run.locked_since, 8.0);
    EXPECT_LE(worst_declared, kTolerance);
    EXPECT_LE(worst_ahead, kTolerance);
    EXPECT_GE(predicted, static_cast<int>((beats.back() - 8.0) * bpm / 60) - 1);
    EXPECT_NEAR(run.final_bpm, bpm, 0.01 * bpm);
    // After the lock, one declared beat per click.
    const auto score =
        test::score_beats(run.declared, beats, kTolerance, run.locked_since - kTolerance);
    EXPECT_EQ(score.f_measure, 1.0);
}

INSTANTIATE_TEST_SUITE_P(Tempi, ClickTrack, ::testing::Values(72.0, 96.0, 120.0, 140.0, 174.0),
                         [](const ::testing::TestParamInfo<double>& tempo) {
                             return fmt::format("bpm{}", static_cast<int>(tempo.param));
                         });

// A tempo change half-way: declared beats right again within 12 s of it, and locked() too
// (measured 6.5 to 8.1 s and 8.5 to 10.0 s: the 6 s autocorrelation window must fill with the new
// tempo, the tempo path gather a few seconds of evidence, the grid 4 steady beats).
TEST(BeatPredictor, RelocksAfterATempoChange) {
    for (const auto& [before, after] : {std::pair{100.0, 130.0}, std::pair{120.0, 90.0},
                                        std::pair{140.0, 105.0}, std::pair{90.0, 120.0}}) {
        const double seconds = 60;
        const auto clicks = clicks_at(before, 30, after, seconds);
        const auto samples = click_track(clicks, seconds);
        const auto beats = shifted(clicks, librosa_offset(samples, clicks));
        auto run = track(samples);
        std::erase_if(run.declared, [&](double b) { return b > beats.back() + 0.1; });
        const double first = lock_time(run, beats, 0, 30, kTolerance);
        const double again = lock_time(run, beats, 30, seconds, kTolerance);
        const double locked_again = run.locked_since - 30;
        fmt::print(
            "{} -> {} BPM: beats right from {:.2f} s, again {:.2f} s after the change; locked() "
            "{:.2f} s after it\n",
            before, after, first, again, locked_again);
        EXPECT_LE(first, 8.0);
        EXPECT_LE(again, 12.0);
        EXPECT_LE(locked_again, 12.0);
        EXPECT_NEAR(run.final_bpm, after, 0.01 * after);
    }
}

// A beat, then from 30 s on a figure 4:3 faster over it as loud as the beat (big_march's triplet
// minute, bench/README.md): the prior towards 120 BPM favours the figure's period, but the beat is
// still there, so the tempo hold keeps it. Without the hold the tempo moves to the figure's
// (measured: 88.3 BPM and F 0.42 after 30 s, against 66.1 and 1.000 with it), which shows the case
// exercises it.
TEST(BeatPredictor, HoldsTheBeatUnderARelatedFigure) {
    const double beat_bpm = 66, figure_bpm = 88, seconds = 70, from = 30;
    auto clicks = clicks_at(beat_bpm, seconds, beat_bpm, seconds);
    const auto beats = clicks;
    for (double t = from + 0.5; t < seconds - 0.1; t += 60.0 / figure_bpm) {
        if (std::abs(test::distance_to_nearest(t, beats)) > 0.05) {
            clicks.push_back(t);
        }
    }
    std::sort(clicks.begin(), clicks.end());
    const auto samples = click_track(clicks, seconds);
    const auto reference = shifted(beats, librosa_offset(samples, beats));
    const auto score_after = [&](const auto& run) {
        std::vector<double> declared, expected;
        std::copy_if(run.declared.begin(), run.declared.end(), std::back_inserter(declared),
                     [&](double b) { return b > from; });
        std::copy_if(reference.begin(), reference.end(), std::back_inserter(expected),
                     [&](double b) { return b > from; });
        return test::score_beats(declared, expected).f_measure;
    };
    const auto held = track(samples);
    BeatPredictorOptions free;
    free.tempo.hold_fraction = 0;
    const auto followed = track(samples, free);
    fmt::print("with the hold: tempo {:.1f}, F after {} s {:.3f}; without: {:.1f}, {:.3f}\n",
               held.final_bpm, from, score_after(held), followed.final_bpm, score_after(followed));
    EXPECT_NEAR(held.final_bpm, beat_bpm, 0.02 * beat_bpm);
    EXPECT_GE(score_after(held), 0.9);
    EXPECT_GT(std::abs(followed.final_bpm - beat_bpm), 0.1 * beat_bpm);
}

// Silence, then clicks, then silence: nothing declared in the silences, beyond what the grid
// declares before it notices (silence_seconds, plus the beat under way), beats in the clicks.
TEST(BeatPredictor, DeclaresNothingInSilence) {
    std::vector<float> samples(static_cast<std::size_t>(10 * kRate), 0.0F);
    const auto clicks = clicks_at(120, 100, 120, 20);
    const auto middle = click_track(clicks, 20);
    samples.insert(samples.end(), middle.begin(), middle.end());
    samples.resize(samples.size() + static_cast<std::size_t>(10 * kRate), 0.0F);
    const auto run = track(samples);
    int in_silence = 0;
    int in_clicks = 0;
    for (const double b : run.declared) {
        (b < 10 || b > 30 + BeatPredictorOptions{}.silence_seconds + 0.5 ? in_silence
                                                                         : in_clicks)++;
    }
    fmt::print("{} beats declared in the clicks, {} in the silences\n", in_clicks, in_silence);
    EXPECT_EQ(in_silence, 0);
    EXPECT_GE(in_clicks, 30);  // 40 clicks, less the first seconds before the lock
    EXPECT_FALSE(run.locked);
}

// Real songs: the beats as declared (causally) against librosa's offline beats at hop 512
// (data/rhythm's manifest, the output of compute_rhythm), after the first 5 s, ±70 ms. Bounds a
// little below the measured values: race1-jt 0.938, brahms 0.640 (a rubato dance that librosa
// holds at one tempo throughout), chords_120bpm 0.923 (8 s long: 6 beats after 5 s, one extra).
struct SongCase {
    std::string file;
    double bound = 0;
};

class RealSong : public ::testing::TestWithParam<SongCase> {};

TEST_P(RealSong, DeclaredBeatsAgreeWithLibrosa) {
    const auto& [file, bound] = GetParam();
    const auto samples = audio::load_mono(testing::audio_dir() / file, kRate).samples;
    const auto run = track(samples);
    const auto expected = testing::rhythm_manifest()["files"][file]["hops"]["512"];
    std::vector<double> reference;
    for (const auto frame : expected["beats"].get<std::vector<std::int64_t>>()) {
        reference.push_back(static_cast<double>(frame * kHop) / kRate);
    }
    const auto score = test::score_beats(run.declared, reference);
    fmt::print(
        "{}: F-measure {:.3f} (precision {:.3f}, recall {:.3f}), tempo {:.1f} (librosa {:.1f})\n",
        file, score.f_measure, score.precision, score.recall, run.final_bpm,
        expected["tempo"].get<double>());
    EXPECT_GE(score.f_measure, bound);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RealSong,
                         ::testing::Values(SongCase{"race1-jt.ogg", 0.9},
                                           SongCase{"brahms_hungarian_dance_5.ogg", 0.55},
                                           SongCase{"chords_120bpm.wav", 0.9}),
                         [](const ::testing::TestParamInfo<SongCase>& song) {
                             return testing::case_label(song.param.file, 512);
                         });

}  // namespace
}  // namespace bgv::features
