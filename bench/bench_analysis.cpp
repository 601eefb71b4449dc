// One song's decode and analysis as a render, `bigganviz analyze` or the studio runs it, in one
// process whose peak memory bench/analysis_memory.sh measures with /usr/bin/time -v:
//
//   bench_analysis MODE SONG [FRAME_LENGTH] [START] [DURATION]
//
// MODE: `decode` (load_mono only); `seed` (what a render with the seed choreography analyses:
// the features, without the mel spectrogram); `beat` (a render with the beat choreography: the
// rhythm); `both` (`bigganviz analyze` and the studio's upload: features with the mel, and the
// rhythm). Prints the seconds of decoding and of analysis, the frames and the peak RSS (VmHWM).
//
// The same source builds against the tree before features/analysis.h existed (each part then
// computed on its own, as the callers did), so that the script can measure that reference in the
// same run.
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "audio/load.h"
#include "core/frame_rate.h"
#include "features/frame_times.h"

#if __has_include("features/analysis.h")
#define BGV_BENCH_SHARED_ANALYSIS 1
#endif

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
}

// The process's peak resident memory so far, in MB (VmHWM).
double peak_megabytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    }
    return 0;
}

// The analysis `mode` asks for; returns the frames.
std::int64_t analyse(const std::string& mode, const std::vector<float>& samples,
                     const bgv::FrameRate& rate) {
    namespace f = bgv::features;
#ifdef BGV_BENCH_SHARED_ANALYSIS
    const f::AnalysisParts parts{.features = mode == "seed" || mode == "both",
                                 .rhythm = mode == "beat" || mode == "both"};
    const auto analysis =
        f::analyse_song_at_rate(samples, f::kSampleRate, rate, parts, {.keep_mel = mode == "both"});
    return parts.features ? analysis.features.frames : analysis.rhythm.rhythm.frames;
#else
    std::int64_t frames = 0;
    if (mode == "seed" || mode == "both")
        frames = f::compute_features_at_rate(samples, f::kSampleRate, rate).frames;
    if (mode == "beat" || mode == "both")
        frames = f::compute_rhythm_at_rate(samples, rate).rhythm.frames;
    return frames;
#endif
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (argc < 3 || (mode != "decode" && mode != "seed" && mode != "beat" && mode != "both")) {
        fmt::print(stderr,
                   "usage: bench_analysis decode|seed|beat|both SONG [FRAME_LENGTH] "
                   "[START] [DURATION]\n");
        return 2;
    }
    const std::string song = argv[2];
    const int frame_length = argc > 3 ? std::atoi(argv[3]) : 512;
    const double start = argc > 4 ? std::atof(argv[4]) : 0.0;
    const std::optional<double> duration =
        argc > 5 ? std::optional(std::atof(argv[5])) : std::nullopt;
    const bgv::FrameRate rate = bgv::frame_rate_of_hop(bgv::features::kSampleRate, frame_length);
    try {
        const auto decode_start = std::chrono::steady_clock::now();
        const auto pcm = bgv::audio::load_mono(song, bgv::features::kSampleRate, duration, start);
        const double decode_seconds = seconds_since(decode_start);
        const double decode_peak = peak_megabytes();
        const auto analysis_start = std::chrono::steady_clock::now();
        const std::int64_t frames = mode == "decode" ? 0 : analyse(mode, pcm.samples, rate);
        fmt::print(
            "{} {}: {:.1f} s of audio, decode {:.2f} s (peak {:.0f} MB), analysis {:.2f} "
            "s, {} frames, CPU {:.1f} s, peak RSS {:.0f} MB\n",
            mode, song, static_cast<double>(pcm.samples.size()) / bgv::features::kSampleRate,
            decode_seconds, decode_peak, seconds_since(analysis_start), frames, cpu_seconds(),
            peak_megabytes());
    } catch (const std::exception& error) {
        fmt::print(stderr, "error: {}\n", error.what());
        return 1;
    }
    return 0;
}
