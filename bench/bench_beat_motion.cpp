// How much more the beat choreography moves the picture on the tracked beats than elsewhere, on
// songs of different styles: the mean change of the noise vector on frames within one frame of a
// beat over its mean change on the other frames (30 fps, librosa's beats from features/rhythm).
// The same measure docs/choreography.md gives; the reference is the same vectors with onsets
// between beats kicking as hard as beats (--offbeat 1), measured in the same run.
//
// Usage: bench_beat_motion SONG...   (e.g. the fixtures and bench/fetch_live_beats_songs.sh's)
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "audio/load.h"
#include "choreo/beat.h"
#include "features/chroma.h"
#include "features/frame_times.h"

namespace {
namespace fs = std::filesystem;
using namespace bgv;

double beat_motion_ratio(const choreo::Vectors& v, const std::vector<double>& beat_seconds,
                         double fps) {
    std::vector<bool> near(static_cast<std::size_t>(v.count), false);
    for (const double t : beat_seconds) {
        const auto nearest = std::llround(t * fps);
        for (auto f = nearest - 1; f <= nearest + 1; ++f) {
            if (f >= 0 && f < v.count)
                near[static_cast<std::size_t>(f)] = true;
        }
    }
    double on = 0, off = 0;
    std::int64_t on_count = 0, off_count = 0;
    for (std::int64_t f = 1; f < v.count; ++f) {
        double sum = 0;
        const auto a = v.noise_row(f), b = v.noise_row(f - 1);
        for (int u = 0; u < choreo::kNoiseSize; ++u)
            sum += (a[u] - b[u]) * (a[u] - b[u]);
        (near[static_cast<std::size_t>(f)] ? on : off) += std::sqrt(sum);
        ++(near[static_cast<std::size_t>(f)] ? on_count : off_count);
    }
    return on_count && off_count && off > 0 ? (on / on_count) / (off / off_count) : 0.0;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fmt::print(stderr, "usage: bench_beat_motion SONG...\n");
        return 2;
    }
    const FrameRate rate{30, 1};
    const std::vector<int> classes = {1, 22, 333, 444, 555, 666, 777, 888, 999, 10, 20, 30};
    const std::vector<double> offbeats = {0.0, 0.3, 0.5, 1.0};
    fmt::print("{:<24} {:>6} {:>6}", "song", "beats", "BPM");
    for (const double offbeat : offbeats)
        fmt::print(" {:>11}", fmt::format("offbeat {}", offbeat));
    fmt::print("\n");
    std::vector<double> logs(offbeats.size(), 0.0);
    for (int i = 1; i < argc; ++i) {
        const fs::path song = argv[i];
        const auto pcm = audio::load_mono(song, 22050);
        const auto timed = features::compute_rhythm_at_rate(pcm.samples, rate);
        const auto& r = timed.rhythm;
        const auto order = features::chroma_order({r.frames, r.chroma_h, 0.0});
        const choreo::RhythmView view{
            r.frames,   rate.per_second(),  r.onset_env_percussive, r.rms_h,
            r.chroma_h, timed.beat_seconds, timed.onset_seconds,    order};
        fmt::print("{:<24} {:>6} {:>6.1f}", song.stem().string(), timed.beat_seconds.size(),
                   r.tempo);
        for (std::size_t k = 0; k < offbeats.size(); ++k) {
            choreo::BeatParams params;
            params.offbeat = offbeats[k];
            const auto vectors = choreo::make_beat_vectors(view, classes, params, 2024);
            const double ratio = beat_motion_ratio(vectors, timed.beat_seconds, rate.per_second());
            logs[k] += std::log(std::max(ratio, 1e-9));
            fmt::print(" {:>10.2f}x", ratio);
        }
        fmt::print("\n");
    }
    fmt::print("{:<38}", "geometric mean");
    for (const double sum : logs)
        fmt::print(" {:>10.2f}x", std::exp(sum / (argc - 1)));
    fmt::print("\n(the reference is offbeat 1: onsets between beats kick as hard as beats)\n");
    return 0;
}
