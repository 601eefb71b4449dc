#include "bench_rhythm.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench_timing.h"
#include "core/npy.h"
#include "features/beat.h"
#include "features/chroma.h"
#include "features/hpss.h"
#include "features/onset.h"
#include "features/plp.h"
#include "features/rhythm.h"
#include "features/rms.h"
#include "features/stft.h"

namespace bgv::bench {
namespace {

constexpr int kRate = features::kSampleRate;

// The steps in librosa_rhythm_time.py's order and names.
const std::vector<std::string> kSteps = {
    "hpss", "onset_strength", "beat_track", "onset_detect", "plp", "rms", "chroma_cqt"};

std::map<std::string, Timing> time_steps(std::span<const float> song, int hop) {
    namespace f = features;
    const int threads = f::feature_threads();
    std::map<std::string, Timing> times;
    const auto add = [&](const std::string& step, const Timing& t) {
        times[step].wall += t.wall;
        times[step].cpu += t.cpu;
    };
    f::HpssParts parts;
    add("hpss", time_it([&] { parts = f::hpss_signals(song, threads); }));
    std::vector<float> envelope;
    add("onset_strength",
        time_it([&] { envelope = f::onset_strength(song, kRate, hop, threads); }));
    add("onset_strength",
        time_it([&] { (void)f::onset_strength(parts.percussive, kRate, hop, threads); }));
    add("beat_track", time_it([&] { (void)f::beat_track(envelope, kRate, hop); }));
    add("onset_detect", time_it([&] { (void)f::onset_detect(envelope, kRate, hop); }));
    add("plp", time_it([&] { (void)f::plp(envelope, kRate, hop, threads); }));
    for (const auto* part : {&parts.harmonic, &parts.percussive}) {
        add("rms", time_it([&] { (void)f::rms(*part, hop); }));
    }
    add("rms", time_it([&] { (void)f::rms(song, hop); }));
    add("chroma_cqt",
        time_it([&] { (void)f::chroma_cqt(parts.harmonic, kRate, hop, std::nullopt, threads); }));
    return times;
}

std::string run_capture(const std::string& command) {
    std::string output;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[4096];
        while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
            output += buffer;
        }
        pclose(pipe);
    }
    return output;
}

// librosa's wall and CPU seconds per step (and "total"), or nothing when the oracle failed.
std::optional<nlohmann::json> librosa_times(std::span<const float> song, int hop,
                                            const std::string& oracle) {
    const auto samples =
        std::filesystem::temp_directory_path() / fmt::format("bgv_bench_rhythm_{}.npy", getpid());
    write_npy(samples, song, {static_cast<std::int64_t>(song.size())});
    const std::string command = fmt::format(
        "LIBROSA_ORACLE='{}' /usr/bin/python3 '{}/bench/librosa_rhythm_time.py' '{}' {}", oracle,
        BGV_SOURCE_DIR, samples.string(), hop);
    const std::string output = run_capture(command);
    std::filesystem::remove(samples);
    const auto line = output.rfind("{\"librosa\"");
    if (line == std::string::npos) {
        return std::nullopt;
    }
    return nlohmann::json::parse(output.substr(line), nullptr, false);
}

}  // namespace

bool bench_rhythm(std::span<const float> song, int hop) {
    namespace f = features;
    {  // warm-up: FFTW plans, as in the product
        const std::vector<float> second(song.begin(), song.begin() + kRate);
        (void)f::compute_rhythm(second, hop);
    }
    f::Rhythm rhythm;
    const Timing all = time_it([&] { rhythm = f::compute_rhythm(song, hop); });
    const auto steps = time_steps(song, hop);
    const int threads = f::feature_threads();
    fmt::print(
        "rhythm analysis of {:.0f} s at hop {} ({} threads): tempo {:.2f}, {} beats, {} "
        "onsets\n",
        static_cast<double>(song.size()) / kRate, hop, threads, rhythm.tempo, rhythm.beats.size(),
        rhythm.onsets.size());

    const char* oracle = std::getenv("LIBROSA_ORACLE");
    std::optional<nlohmann::json> librosa;
    if (oracle != nullptr && *oracle != '\0') {
        librosa = librosa_times(song, hop, oracle);
        if (!librosa || librosa->is_discarded()) {
            fmt::print("  librosa oracle at {} gave no timings\n", oracle);
            return false;
        }
    }
    for (const auto& step : kSteps) {
        const auto& ours = steps.at(step);
        std::string theirs;
        if (librosa) {
            const double wall = (*librosa)["wall"][step].get<double>();
            const double cpu = (*librosa)["cpu"][step].get<double>();
            theirs = fmt::format("   librosa {:7.3f} s wall, {:7.3f} s CPU", wall, cpu);
        }
        fmt::print("  {:<15} {:7.3f} s wall, {:7.3f} s CPU{}\n", step, ours.wall, ours.cpu, theirs);
    }
    fmt::print("  compute_rhythm  {:7.3f} s wall, {:7.3f} s CPU\n", all.wall, all.cpu);
    if (!librosa) {
        fmt::print(
            "  librosa oracle absent (set LIBROSA_ORACLE to a folder made by "
            "setup_librosa.sh): no ratio\n");
        return true;
    }
    const double wall = (*librosa)["wall"]["total"].get<double>();
    const double cpu = (*librosa)["cpu"]["total"].get<double>();
    fmt::print("  librosa {} same calls: {:.3f} s wall, {:.3f} s CPU\n",
               (*librosa)["librosa"].get<std::string>(), wall, cpu);
    fmt::print("  ratio: {:.1f}x by wall time, {:.1f}x by CPU time (target 5x)\n", wall / all.wall,
               cpu / all.cpu);
    return true;
}

}  // namespace bgv::bench
