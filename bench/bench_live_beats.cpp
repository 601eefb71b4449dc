// bench_live_beats: the live beat tracker (StreamAnalyzer + BeatPredictor) against librosa's
// offline beats (compute_rhythm, exact to librosa 0.10.2) and aubio's real-time tempo tracker,
// measured in the same run on the same samples: F-measure, tempo, lock, prediction error, cost per
// frame, and how much a kick on the beats moves on them against elsewhere. bench/README.md.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "aubio_beats.h"
#include "audio/load.h"
#include "bench_timing.h"
#include "features/beat_events.h"
#include "features/beat_predictor.h"
#include "features/frame_times.h"
#include "features/rhythm.h"
#include "features/stream_analysis.h"
#include "kick_ratio.h"
#include "live_beats_songs.h"
#include "percentile.h"
#include "support/beat_scores.h"

namespace bgv::bench {
namespace {

namespace f = features;
constexpr int kRate = f::kSampleRate;
constexpr int kHop = 512;
constexpr double kLookahead = 0.1;  // seconds: the predictions scored
constexpr double kVideoFps = 30;    // docs/choreography.md's kick measure

double median(std::vector<double> values) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// Steady: librosa's own beats keep a steady tempo, 90% of their intervals after the first 5 s
// within 6% of the median interval (a whole envelope frame is 4 to 5% of a beat at 120-140 BPM,
// so this allows the frame rounding and no more).
bool steady_tempo(const std::vector<double>& beats) {
    std::vector<double> intervals;
    for (std::size_t i = 1; i < beats.size(); ++i) {
        if (beats[i - 1] >= test::kBeatSkip) {
            intervals.push_back(beats[i] - beats[i - 1]);
        }
    }
    if (intervals.size() < 8) {
        return false;
    }
    const double typical = median(intervals);
    const auto close = std::count_if(intervals.begin(), intervals.end(),
                                     [&](double d) { return std::abs(d / typical - 1) <= 0.06; });
    return static_cast<double>(close) >= 0.9 * static_cast<double>(intervals.size());
}

struct Live {
    std::vector<f::AnalysisFrame> frames;
    std::vector<double> declared, ahead, tempi;
    double analysis_cpu = 0, predictor_cpu = 0;
    double first_locked = -1, locked_fraction = 0;
};

Live run_live(std::span<const float> samples) {
    Live live;
    f::StreamAnalyzer analyzer;
    const auto keep = [&](const f::AnalysisFrame& frame) { live.frames.push_back(frame); };
    live.analysis_cpu = time_it([&] {
                            analyzer.push(samples, keep);
                            analyzer.finish(keep);
                        }).cpu;
    f::BeatPredictor predictor(kRate, kHop);
    std::vector<double> predicted(live.frames.size(), 0.0);
    std::vector<bool> locked(live.frames.size(), false);
    live.predictor_cpu = time_it([&] {
                             for (std::size_t i = 0; i < live.frames.size(); ++i) {
                                 const auto& frame = live.frames[i];
                                 predictor.push(frame.onset_index, frame.onset);
                                 const auto next =
                                     predictor.next_beats(frame.onset_seconds + kLookahead, 1);
                                 predicted[i] = next.empty() ? 0.0 : next.front();
                                 locked[i] = predictor.locked();
                             }
                         }).cpu;
    live.declared = predictor.declared_beats();
    int locked_after_10 = 0, frames_after_10 = 0;
    for (std::size_t i = 0; i < live.frames.size(); ++i) {
        const double now = live.frames[i].onset_seconds;
        // Each beat as predicted at the last frame at least kLookahead before it.
        const bool last_for_beat = i + 1 == live.frames.size() ||
                                   predicted[i + 1] > predicted[i] + 0.15 || predicted[i + 1] == 0;
        if (predicted[i] > 0 && last_for_beat) {
            live.ahead.push_back(predicted[i]);
        }
        if (locked[i] && live.first_locked < 0) {
            live.first_locked = now;
        }
        if (now >= 10) {
            ++frames_after_10;
            locked_after_10 += locked[i] ? 1 : 0;
        }
    }
    live.locked_fraction =
        frames_after_10 > 0 ? static_cast<double>(locked_after_10) / frames_after_10 : 0;
    return live;
}

// The live loop's kick, frame by frame at kVideoFps: the frame depicting time T is made when the
// analysis has heard up to T - latency.
std::vector<f::BeatEvent> live_events(const Live& live, double frames, double latency) {
    f::BeatPredictor predictor(kRate, kHop);
    f::LiveBeatEvents events(kVideoFps);
    std::vector<f::BeatEvent> out;
    std::size_t next = 0;
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(frames); ++i) {
        const double t = static_cast<double>(i) / kVideoFps;
        for (; next < live.frames.size() && live.frames[next].ready_seconds <= t - latency;
             ++next) {
            predictor.push(live.frames[next].onset_index, live.frames[next].onset);
            events.observe(live.frames[next], predictor);
        }
        out.push_back(events.event(t, predictor));
    }
    return out;
}

std::vector<double> seconds_of(const std::vector<std::int64_t>& frames, int hop) {
    std::vector<double> out;
    for (const auto f : frames) {
        out.push_back(static_cast<double>(f * hop) / kRate);
    }
    return out;
}

struct Totals {
    int songs = 0, ours_ge_aubio = 0, steady = 0, steady_ok = 0;
};

void bench_song(const std::string& name, const std::string& style,
                const std::filesystem::path& path, double latency, Totals& totals) {
    const auto samples = audio::load_mono(path, kRate).samples;
    const double seconds = static_cast<double>(samples.size()) / kRate;
    const auto rhythm = f::compute_rhythm(samples, kHop);
    const auto reference = seconds_of(rhythm.beats, kHop);
    const bool steady = steady_tempo(reference);

    const auto live = run_live(samples);
    const auto aubio = run_aubio_tempo(samples, 512, 256);  // aubio's 1024/512 at 44.1 kHz
    const auto aubio_long = run_aubio_tempo(samples, 1024, 512);

    const auto ours = test::score_beats(live.declared, reference);
    const auto ahead = test::score_beats(live.ahead, reference);
    const auto theirs = test::score_beats(aubio.beats, reference);
    const auto theirs_long = test::score_beats(aubio_long.beats, reference);

    // Prediction error: each beat as predicted 100 ms ahead against the beat declared for it, and
    // against librosa's nearest beat when that is within the tolerance.
    std::vector<double> to_declared, to_librosa;
    for (const double b : live.ahead) {
        if (b < test::kBeatSkip || live.declared.empty()) {
            continue;
        }
        const double d = std::abs(test::distance_to_nearest(b, live.declared));
        if (d < 0.15) {
            to_declared.push_back(d * 1000);
        }
        const double l = std::abs(test::distance_to_nearest(b, reference));
        if (l <= test::kBeatTolerance) {
            to_librosa.push_back(l * 1000);
        }
    }
    std::vector<double> tempi;
    f::BeatPredictor replay(kRate, kHop);
    for (const auto& frame : live.frames) {
        replay.push(frame.onset_index, frame.onset);
        if (frame.onset_seconds >= 10 && replay.tempo_bpm() > 0) {
            tempi.push_back(replay.tempo_bpm());
        }
    }
    const double our_tempo = median(tempi);

    // Kicks at 30 fps against the file render's beats at that rate.
    const auto timed = f::compute_rhythm_at_rate(samples, FrameRate{30, 1});
    const auto offline = f::beat_events_from_rhythm(timed, FrameRate{30, 1});
    const double today = kick_ratio(onset_pulse(timed, kVideoFps), timed.beat_seconds, kVideoFps);
    const auto events_ratio = [&](const std::vector<f::BeatEvent>& events, double offbeat) {
        return kick_ratio(beat_event_pulse(events, kVideoFps, offbeat), timed.beat_seconds,
                          kVideoFps);
    };
    const auto live_kicks = live_events(live, static_cast<double>(offline.size()), latency);

    const double frames = static_cast<double>(live.frames.size());
    const std::string locked_at =
        live.first_locked < 0 ? std::string("never") : fmt::format("{:.1f} s", live.first_locked);
    const std::string tempo = tempi.empty() ? std::string("-") : fmt::format("{:.1f}", our_tempo);
    fmt::print("{} ({}, {:.0f} s, {})\n", name, style, seconds, steady ? "steady" : "not steady");
    fmt::print("  F-measure: ours {:.3f}, predicted 100 ms ahead {:.3f}; aubio {:.3f} ({:.3f})\n",
               ours.f_measure, ahead.f_measure, theirs.f_measure, theirs_long.f_measure);
    fmt::print("  tempo: librosa {:.1f}, ours {} (median after 10 s), aubio {:.1f}\n", rhythm.tempo,
               tempo, median(aubio.bpm));
    fmt::print("  locked first at {}, {:.0f}% of the time after 10 s\n", locked_at,
               100 * live.locked_fraction);
    fmt::print(
        "  predicted 100 ms ahead: to the declared beat p50/p95 {:.1f}/{:.1f} ms; to librosa's "
        "(the {} of {} within 70 ms) {:.1f}/{:.1f} ms\n",
        percentile(to_declared, 0.5), percentile(to_declared, 0.95), to_librosa.size(),
        live.ahead.size(), percentile(to_librosa, 0.5), percentile(to_librosa, 0.95));
    fmt::print(
        "  CPU per 512 samples: analysis {:.1f} us, predictor {:.2f} us; aubio_tempo {:.1f} us "
        "(ratio ours/aubio {:.1f})\n",
        live.analysis_cpu / frames * 1e6, live.predictor_cpu / frames * 1e6,
        aubio.cpu_seconds / (seconds * kRate / kHop) * 1e6,
        (live.analysis_cpu + live.predictor_cpu) / std::max(aubio.cpu_seconds, 1e-9));
    fmt::print(
        "  kick ratio at 30 fps: today's {:.2f}; beat events, offbeat 1/0.5/0: "
        "{:.2f}/{:.2f}/{:.2f}; "
        "live, offbeat 0.5/0: {:.2f}/{:.2f}\n",
        today, events_ratio(offline, 1.0), events_ratio(offline, 0.5), events_ratio(offline, 0.0),
        events_ratio(live_kicks, 0.5), events_ratio(live_kicks, 0.0));
    ++totals.songs;
    totals.ours_ge_aubio += ours.f_measure >= theirs.f_measure ? 1 : 0;
    if (steady) {
        ++totals.steady;
        totals.steady_ok += ours.f_measure >= 0.8 ? 1 : 0;
    }
}

std::filesystem::path default_song_folder() {
    if (const char* folder = std::getenv("BGV_LIVE_BEATS_SONGS")) {
        return folder;
    }
    const char* cache = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    const std::filesystem::path base =
        cache != nullptr ? std::filesystem::path(cache)
                         : std::filesystem::path(home != nullptr ? home : ".") / ".cache";
    return base / "bigganviz" / "live-beats-songs";
}

}  // namespace
}  // namespace bgv::bench

int main(int argc, char** argv) {
    using namespace bgv::bench;
    std::filesystem::path songs = default_song_folder();
    bool held_out = false;
    bool fixtures_only = false;
    double latency = 0.1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--songs" && i + 1 < argc) {
            songs = argv[++i];
        } else if (arg == "--held-out") {
            held_out = true;
        } else if (arg == "--fixtures") {
            fixtures_only = true;
        } else if (arg == "--latency" && i + 1 < argc) {
            latency = std::stod(argv[++i]);
        } else {
            fmt::print(stderr,
                       "usage: bench_live_beats [--songs DIR] [--held-out] [--fixtures] "
                       "[--latency SECONDS]\n");
            return 2;
        }
    }
    fmt::print(
        "F-measure after 5 s, ±70 ms, against librosa's beats (compute_rhythm, hop 512): ours as "
        "declared, ours as predicted {:.0f} ms ahead, aubio_tempo 512/256 at 22050 Hz (1024/512); "
        "live kicks with the picture {:.0f} ms ahead of the analysis\n",
        kLookahead * 1000, latency * 1000);
    Totals totals;
    if (!fixtures_only) {
        int missing = 0;
        for (const auto& song : kBenchSongs) {
            if (song.held_out != held_out) {
                continue;
            }
            const auto path = songs / std::string(song.file);
            if (!std::filesystem::exists(path)) {
                fmt::print(stderr, "missing {}: run bench/fetch_live_beats_songs.sh {}\n",
                           path.string(), songs.string());
                ++missing;
                continue;
            }
            bench_song(std::string(song.name), std::string(song.style), path, latency, totals);
        }
        if (missing > 0) {
            return 1;
        }
        fmt::print("ours >= aubio on {} of {} songs; >= 0.8 on {} of {} steady songs\n",
                   totals.ours_ge_aubio, totals.songs, totals.steady_ok, totals.steady);
    }
    Totals fixtures;
    const auto folder = std::filesystem::path(BGV_SOURCE_DIR) / "tests" / "audio" / "data";
    for (const auto file : kFixtureSongs) {
        bench_song(std::string(file), "fixture", folder / std::string(file), latency, fixtures);
    }
    fmt::print("fixtures: ours >= aubio on {} of {}; >= 0.8 on {} of {} steady\n",
               fixtures.ours_ge_aubio, fixtures.songs, fixtures.steady_ok, fixtures.steady);
    return 0;
}
