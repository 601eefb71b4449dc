// One song's analysis as the render, `bigganviz analyze` and the studio run it, in one process
// whose peak memory bench/analysis_memory.sh measures with /usr/bin/time -v:
//
//   bench_analysis MODE SONG [FRAME_LENGTH] [START] [DURATION]
//
// MODE: `decode` (load_mono only), `features` (the seed choreography's: compute_features_at_rate),
// `rhythm` (the beat choreography's: compute_rhythm_at_rate), `both` (what analyze and the studio's
// upload compute). Prints the seconds of decoding and of analysis, the frames, and VmHWM.
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

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        fmt::print(stderr,
                   "usage: bench_analysis decode|features|rhythm|both SONG [FRAME_LENGTH] "
                   "[START] [DURATION]\n");
        return 2;
    }
    const std::string mode = argv[1];
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
        std::int64_t frames = 0;
        if (mode == "features" || mode == "both")
            frames =
                bgv::features::compute_features_at_rate(pcm.samples, pcm.sample_rate, rate).frames;
        if (mode == "rhythm" || mode == "both")
            frames = bgv::features::compute_rhythm_at_rate(pcm.samples, rate).rhythm.frames;
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
