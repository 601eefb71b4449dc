#include "biggan_baseline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <tuple>

#include "biggan_runs.h"
#include "fma_peak.h"

namespace bgv::bench {

namespace {

struct Time {
    double wall = 1e30, cpu = 1e30;  // seconds per frame, best so far
    bool ok = false;
    void keep(double w, double c) {
        wall = std::min(wall, w);
        cpu = std::min(cpu, c);
        ok = true;
    }
};

// The frame's GFLOP as this build's run counts it: the sum of its "PROFILE kind|gflop|..." lines
// (0 for main's, which prints none).
double profiled_gflop(const std::string& output) {
    double total = 0.0;
    for (auto at = output.find("PROFILE "); at != std::string::npos;
         at = output.find("PROFILE ", at + 1)) {
        const auto bar = output.find('|', at);
        if (bar != std::string::npos)
            total += std::strtod(output.c_str() + bar + 1, nullptr);
    }
    return total;
}

// The line "RESULT ..." of a run: this build prints "wall cpu peak_mb precision isa", main's
// (up to 7a6bab2) "wall peak_mb cpu source".
bool parse_result(const std::string& output, double& wall, double& cpu) {
    const auto at = output.find("RESULT ");
    if (at == std::string::npos)
        return false;
    std::stringstream fields(output.substr(at + 7));
    double a = 0, b = 0, c = 0;
    if (!(fields >> a >> b >> c))
        return false;
    std::string fourth;
    fields >> fourth;
    const bool ours = fourth == "fp32" || fourth == "bf16";
    wall = a;
    cpu = ours ? b : c;
    return true;
}

enum Program { kMain, kFp32, kBf16, kPrograms };
const char* const kNames[kPrograms] = {"main", "this, fp32", "this, bf16"};

// Main's program is this one at another commit (`--one R B T REPEATS fp32`) or, up to 7a6bab2,
// one that takes no precision: the second form when the first prints no result.
std::string command(const BaselineRun& run, Program p, int r, int b, int t,
                    bool without_precision = false) {
    const std::string& program = p == kMain ? run.baseline : run.self;
    if (without_precision)
        return fmt::format("'{}' --one {} {} {} {}", program, r, b, t, run.repeats);
    return fmt::format("'{}' --one {} {} {} {} {}", program, r, b, t, run.repeats,
                       p == kBf16 ? "bf16" : "fp32");
}

std::string load() {
    std::string l = run_capture("cut -d' ' -f1-3 /proc/loadavg");
    if (!l.empty() && l.back() == '\n')
        l.pop_back();
    return l;
}

}  // namespace

int baseline_table(const BaselineRun& run) {
    fmt::print(
        "this build against {} (seconds per frame: best of {} rounds of {} frames; "
        "programs alternating)\nload average before: {}\n",
        run.baseline, run.rounds, run.repeats, load());
    const FmaPeak peak = measure_fma_peak(1);
    fmt::print("FMA peak ({} loop, one thread): {:.1f} GFLOP per CPU-second\n", peak.isa,
               peak.gflops_per_cpu_s);
    std::map<std::tuple<int, int, int, int>, Time> times;  // (px, batch, threads, program)
    std::map<int, double> gflop;                           // per frame, by resolution
    fmt::print("{:>4} {:>5} {:>3}  {:>15} {:>15} {:>15}  {:>7} {:>7}  {:>6}  {:>11}\n", "px",
               "batch", "thr", "main ms (cpu)", "fp32 ms (cpu)", "bf16 ms (cpu)", "fp32 vs",
               "cpu vs", "bf16 x", "%pk m/f32/b");
    const auto cell = [&](const Time& t) {
        return t.ok ? fmt::format("{:.1f} ({:.1f})", 1e3 * t.wall, 1e3 * t.cpu) : std::string("-");
    };
    for (int r : run.resolutions)
        for (int b : run.batches)
            for (int t : run.threads) {
                for (int round = 0; round < run.rounds; ++round)
                    for (int p = 0; p < kPrograms; ++p) {
                        double wall = 0, cpu = 0;
                        std::string output =
                            run_capture(command(run, static_cast<Program>(p), r, b, t));
                        if (p == kMain && output.find("RESULT ") == std::string::npos)
                            output =
                                run_capture(command(run, static_cast<Program>(p), r, b, t, true));
                        if (parse_result(output, wall, cpu))
                            times[{r, b, t, p}].keep(wall, cpu);
                        if (p == kFp32)
                            gflop[r] = profiled_gflop(output);
                    }
                const Time& m = times[{r, b, t, kMain}];
                const Time& f = times[{r, b, t, kFp32}];
                const Time& h = times[{r, b, t, kBf16}];
                // Of the one-core peak per CPU-second: CPU time per frame is load-proof.
                const auto percent = [&](const Time& x) {
                    return 100 * gflop[r] / x.cpu / peak.gflops_per_cpu_s;
                };
                // A program that printed no result (a failed run) leaves "-", not a ratio.
                const auto ratio = [](const Time& x, double xv, const Time& y, double yv) {
                    return x.ok && y.ok ? fmt::format("{:.2f}x", xv / yv) : std::string("-");
                };
                const auto pct = [&](const Time& x) {
                    return x.ok ? fmt::format("{:.0f}", percent(x)) : std::string("-");
                };
                fmt::print(
                    "{:>4} {:>5} {:>3}  {:>15} {:>15} {:>15}  {:>7} {:>7}  {:>6}  {}/{}/{}\n", r, b,
                    t, cell(m), cell(f), cell(h), ratio(m, m.wall, f, f.wall),
                    ratio(m, m.cpu, f, f.cpu), ratio(f, f.cpu, h, h.cpu), pct(m), pct(f), pct(h));
                std::fflush(stdout);
            }
    fmt::print(
        "(fp32 vs: main's time per frame over this build's fp32, wall and CPU: above 1, "
        "this build is faster; bf16 x: fp32 over bf16, CPU time; %pk: the frame's GFLOP, as this "
        "build's profile counts it, per CPU-second of main, fp32 and bf16, in % of the FMA "
        "peak)\n");
    if (std::find(run.threads.begin(), run.threads.end(), 1) != run.threads.end() &&
        std::find(run.threads.begin(), run.threads.end(), 2) != run.threads.end()) {
        fmt::print("\nframes per second at 2 threads over 1 thread (wall):\n{:>4} {:>5}", "px",
                   "batch");
        for (int p = 0; p < kPrograms; ++p)
            fmt::print("  {:>11}", kNames[p]);
        fmt::print("\n");
        for (int r : run.resolutions)
            for (int b : run.batches) {
                fmt::print("{:>4} {:>5}", r, b);
                for (int p = 0; p < kPrograms; ++p)
                    fmt::print("  {:>10.2f}x", times[{r, b, 1, p}].wall / times[{r, b, 2, p}].wall);
                fmt::print("\n");
            }
    }
    fmt::print("load average after: {}\n", load());
    return 0;
}

}  // namespace bgv::bench
