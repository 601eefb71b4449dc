// bench_live: the real `bigganviz live` against a PulseAudio null sink
// (tests/live/live_harness.sh), measured from its frame log: click-to-picture latency against the
// generator's frame time, where the kicks on predicted beats land against a steady click track's
// beats, and a soak (shown fps steadiness, resident memory growth, audio overruns).
// bench/README.md, "bench_live".
#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "live/live_harness.h"
#include "live_click_track.h"
#include "live_log_analysis.h"
#include "percentile.h"
#include "support/process.h"

using namespace bgv::bench;
using namespace bgv::test;
namespace fs = std::filesystem;

namespace {
const fs::path kBinary = fs::path(BGV_BINARY_DIR) / "src/cli/bigganviz";
const fs::path kTests = fs::path(BGV_SOURCE_DIR) / "tests";

struct Options {
    fs::path weights = kTests / "model/biggan/data/tiny128";
    int resolution = 128;
    int fps = 24;
    std::string precision = "fp32";
    double soak = 600;
    fs::path soak_song = kTests / "audio/data/race1-jt.ogg";
    bool latency = true;
    fs::path
        keep;  // where the click track and the frame logs are kept; a temporary folder if empty
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                throw std::runtime_error(flag + ": a value expected");
            return argv[++i];
        };
        if (flag == "--weights")
            o.weights = value();
        else if (flag == "-r" || flag == "--resolution")
            o.resolution = std::stoi(value());
        else if (flag == "--fps")
            o.fps = std::stoi(value());
        else if (flag == "--precision")
            o.precision = value();
        else if (flag == "--soak")
            o.soak = std::stod(value());
        else if (flag == "--soak_song")
            o.soak_song = value();
        else if (flag == "--no_latency")
            o.latency = false;
        else if (flag == "--keep")
            o.keep = value();
        else
            throw std::runtime_error("unknown option " + flag +
                                     " (--weights DIR, -r R, --fps F, --precision fp32|bf16, "
                                     "--soak SECONDS (0: none), "
                                     "--soak_song FILE, --no_latency, --keep DIR)");
    }
    return o;
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return fmt::format("{} {} {}", one, five, fifteen);
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("model name", 0) == 0)
            return line.substr(line.find(':') + 2);
    }
    return "unknown CPU";
}

// The number captured by `pattern` (its first group) in the session's output, at its last match; -1
// when it does not match.
double number_after(const std::string& output, const std::string& pattern) {
    const std::regex re(pattern);
    double found = -1;
    for (auto it = std::sregex_iterator(output.begin(), output.end(), re);
         it != std::sregex_iterator(); ++it)
        found = std::stod((*it)[1]);
    return found;
}

std::string live_command(const Options& o, const fs::path& log, double seconds) {
    return fmt::format(
        "exec '{}' live --input pulse:bgv_sink.monitor --no_window --frame_log '{}' -d {} "
        "--weights '{}' -r {} --fps {} --precision {} --seed 1 --choreography beat 2>&1",
        kBinary.string(), log.string(), seconds, o.weights.string(), o.resolution, o.fps,
        o.precision);
}

struct SessionRun {
    std::string output;
    int exit_code = -1;
    double warm_up_ms = -1;     // the generator's time per frame measured before the sound
    double mean_frame_ms = -1;  // over the session
    double overruns = -1;
    std::vector<std::pair<double, double>> rss_mb;  // (seconds since the start, MB)
};

double resident_mb(pid_t pid) {
    std::ifstream in(fmt::format("/proc/{}/status", pid));
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stod(line.substr(6)) / 1024;
    }
    return -1;
}

// Runs the session, starts `player` once the session listens, samples the session's resident
// memory every second, and stops the player when the session has ended.
SessionRun run_session(const std::string& command, const std::string& player) {
    SessionRun run;
    RunningCommand session(command);
    const pid_t pid = session.pid();
    if (!session.wait_for("live: listening to")) {
        run.exit_code = session.finish();
        run.output = session.output();
        return run;
    }
    RunningCommand playing(player);
    std::atomic<bool> ended{false};
    std::thread reader([&] {
        run.exit_code = session.finish();
        ended = true;
    });
    const auto start = std::chrono::steady_clock::now();
    while (!ended) {
        const double mb = resident_mb(pid);
        if (mb > 0)
            run.rss_mb.emplace_back(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                mb);
        for (int i = 0; i < 10 && !ended; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    reader.join();
    ::kill(playing.pid(), SIGTERM);
    playing.finish();
    run.output = session.output();
    run.warm_up_ms = number_after(run.output, R"(px frames take (\d+) ms here)");
    run.mean_frame_ms = number_after(run.output, R"(\(([0-9.]+) ms each on average\))");
    run.overruns = number_after(run.output, R"(\), (\d+) audio overruns)");
    return run;
}

void print_distribution(const std::string& what, const std::vector<double>& seconds) {
    std::vector<double> ms;
    for (const double s : seconds)
        ms.push_back(s * 1000);
    fmt::print("  {}: n {}, p5 {:.1f}, p25 {:.1f}, p50 {:.1f}, p75 {:.1f}, p95 {:.1f} ms\n", what,
               ms.size(), percentile(ms, 0.05), percentile(ms, 0.25), percentile(ms, 0.5),
               percentile(ms, 0.75), percentile(ms, 0.95));
}

// Part 1 and 2: one session over a click track: irregular clicks (latency), then a steady tempo
// (the kicks on predicted beats).
void latency_and_kicks(const Options& o, const fs::path& dir) {
    constexpr double kIrregularEnd = 48, kSteadyStart = 50, kSteadyEnd = 110, kTrack = 112;
    constexpr double kBpm = 117;    // a period of 0.513 s: no whole number of 24 fps frames
    constexpr double kSettle = 10;  // the tracker locks within this (bench_live_beats)
    const ClickTimes irregular = irregular_clicks(3, kIrregularEnd, 0.5, 0.7, 16);
    const ClickTimes steady = steady_clicks(kSteadyStart, kSteadyEnd, kBpm);
    ClickTimes all = irregular;
    all.insert(all.end(), steady.begin(), steady.end());
    const fs::path track = dir / "clicks.wav";
    write_click_track(track, all, kTrack);

    const fs::path log = dir / "clicks.csv";
    const SessionRun run =
        run_session(live_command(o, log, kTrack - 3),
                    fmt::format("exec paplay --device=bgv_sink '{}'", track.string()));
    if (run.exit_code != 0)
        throw std::runtime_error("the session failed:\n" + run.output);
    const auto rows = read_frame_log(log);
    const ClickAlignment aligned = align_clicks(rows, all);
    fmt::print(
        "click track: {} irregular clicks (0.5-0.7 s apart), then {} at {} BPM; {} frames "
        "shown\n",
        irregular.size(), steady.size(), kBpm, rows.size());
    fmt::print("  the track starts at input second {:.4f} (power model correlation {:.3f})\n",
               aligned.offset, aligned.correlation);
    ClickTimes irregular_input, beats_input;
    for (const double t : irregular)
        irregular_input.push_back(t + aligned.offset);
    for (const double t : steady) {
        if (t >= kSteadyStart + kSettle)
            beats_input.push_back(t + aligned.offset);
    }
    // Reacts: 1% of a click's power at the window's centre (reached once the click is 10% of the
    // window, 9 ms, inside it: w² = 0.01).
    const ClickLatencies latency =
        click_latencies(rows, irregular_input, 0.01 * aligned.click_power);
    const double frame_ms = run.mean_frame_ms;
    const double p95 = percentile(latency.seconds, 0.95) * 1000;
    fmt::print("latency, click heard -> first shown frame whose power reacts:\n");
    print_distribution("latency", latency.seconds);
    print_distribution("of which click to the newest sample its analysis frame saw",
                       latency.analysis_seconds);
    print_distribution("and that sample heard to the frame shown (the log's latency)",
                       latency.frame_seconds);
    fmt::print("  clicks with no reacting frame: {}\n", latency.missed);
    fmt::print(
        "  generator: {:.1f} ms per frame over the session ({} ms at its warm-up); shown "
        "{:.2f} fps of {}\n",
        frame_ms, run.warm_up_ms,
        static_cast<double>(rows.size()) / (rows.back().shown_time - rows.front().shown_time),
        o.fps);
    fmt::print(
        "  goal p95 <= frame time + 60 ms = {:.1f} ms: p95 {:.1f} ms, {} (p95 / goal {:.2f})\n",
        frame_ms + 60, p95, p95 <= frame_ms + 60 ? "met" : "NOT met", p95 / (frame_ms + 60));

    const KickOffsets kicks = kick_offsets(rows, beats_input, 60.0 / kBpm);
    std::size_t within = 0;
    for (const double s : kicks.seconds)
        within += std::abs(s) <= 0.040 ? 1 : 0;
    fmt::print(
        "kicks on predicted beats ({} beats from {} s after the steady clicks start), shown "
        "kick minus the beat heard:\n",
        beats_input.size(), kSettle);
    print_distribution("offset", kicks.seconds);
    fmt::print(
        "  within +-40 ms: {} of {} beats ({:.0f}%); beats with no kick within half a "
        "beat: {}; kicks between: {}\n",
        within, beats_input.size(),
        100.0 * static_cast<double>(within) / static_cast<double>(beats_input.size()), kicks.missed,
        kicks.extra);
}

// Part 3: the soak, a song looped into the sink for `seconds`.
void soak(const Options& o, const fs::path& dir) {
    const fs::path log = dir / "soak.csv";
    const SessionRun run = run_session(
        live_command(o, log, o.soak),
        fmt::format(
            "exec timeout {} sh -c 'while :; do paplay --device=bgv_sink \"{}\" || exit 1; done'",
            o.soak + 120, o.soak_song.string()));
    if (run.exit_code != 0)
        throw std::runtime_error("the soak session failed:\n" + run.output);
    const auto rows = read_frame_log(log);
    std::vector<double> intervals;
    for (std::size_t i = 1; i < rows.size(); ++i)
        intervals.push_back((rows[i].shown_time - rows[i - 1].shown_time) * 1000);
    const double median = percentile(intervals, 0.5), p99 = percentile(intervals, 0.99);
    const double span = rows.back().shown_time - rows.front().shown_time;
    fmt::print(
        "soak: {:.0f} s of {} looped, {} frames shown ({:.2f} fps of {}), generator {:.1f} "
        "ms per frame\n",
        span, o.soak_song.filename().string(), rows.size(),
        static_cast<double>(rows.size() - 1) / span, o.fps, run.mean_frame_ms);
    fmt::print(
        "  frame interval: median {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms; p99 / median "
        "{:.2f} (goal <= 2: {})\n",
        median, p99, percentile(intervals, 1.0), p99 / median,
        p99 <= 2 * median ? "met" : "NOT met");
    // Resident memory at one minute against the end.
    double at_minute = -1, at_end = -1, peak = 0;
    for (const auto& [t, mb] : run.rss_mb) {
        if (at_minute < 0 && t >= 60)
            at_minute = mb;
        at_end = mb;
        peak = std::max(peak, mb);
    }
    if (at_minute < 0)
        fmt::print(
            "  resident memory: {:.1f} MB at the end, peak {:.1f} MB; growth from 1 min: not "
            "measured (a soak shorter than a minute)\n",
            at_end, peak);
    else
        fmt::print(
            "  resident memory: {:.1f} MB at 1 min, {:.1f} MB at the end, peak {:.1f} MB; "
            "growth {:.1f} MB (goal < 10: {})\n",
            at_minute, at_end, peak, at_end - at_minute,
            at_end - at_minute < 10 ? "met" : "NOT met");
    for (std::size_t i = 0; i < run.rss_mb.size();
         i += std::max<std::size_t>(1, run.rss_mb.size() / 10))
        fmt::print("    {:.0f} s: {:.1f} MB\n", run.rss_mb[i].first, run.rss_mb[i].second);
    fmt::print("  audio overruns: {:.0f} (goal 0: {})\n", run.overruns,
               run.overruns == 0 ? "met" : "NOT met");
}
}  // namespace

int main(int argc, char** argv) {
    try {
        const Options o = parse(argc, argv);
        fmt::print("bench_live: {}, {} px, {} fps, {}, weights {}\n", cpu_model(), o.resolution,
                   o.fps, o.precision, o.weights.string());
        fmt::print("load average at the start: {}\n", load_average());
        LiveHarness harness("audio");
        if (!harness.started())
            throw std::runtime_error("the sound server did not start:\n" + harness.output());
        fs::path dir = o.keep;
        if (dir.empty())
            dir = fresh_temp_dir("bench_live");
        fs::create_directories(dir);
        if (o.latency)
            latency_and_kicks(o, dir);
        if (o.soak > 0)
            soak(o, dir);
        fmt::print("load average at the end: {}\n", load_average());
        return 0;
    } catch (const std::exception& error) {
        fmt::print(stderr, "bench_live: {}\n", error.what());
        return 1;
    }
}
