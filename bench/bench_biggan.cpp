// bench_biggan: the BigGAN-deep generator against the machine's measured FMA peak, in one run:
// seconds per frame at 128/256/512 px, batch 1 and 4, fp32 and bf16, each configuration in a
// fresh process (this program re-executes itself) so that peak memory is its own; a per-kind
// profile of each frame (3×3 conv, 1×1 conv, attention, to_rgb, ...) with each kind's share and
// fraction of the peak; batch 1 against batch 4; bf16 against fp32 in speed and in error (PSNR,
// rel. L2) per resolution and truncation. Weights: the seeded full-size models of the tests
// (tests/model/biggan/seeded_model.h). See bench/README.md.
// --aspects [--resolution R]: seconds per frame at batch 1 for 1:1, 16:9, 9:16, 21:9 and 4:1
// frames (widened first grid), with each one's ratio to 1:1 and its area's.
// --baseline PATH: this build against another build's bench_biggan (biggan_baseline.h).
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "biggan_baseline.h"
#include "biggan_runs.h"
#include "fma_peak.h"
#include "runtime/cpu_isa.h"

namespace fs = std::filesystem;
using namespace bgv;
using bench::run_capture;

namespace {

std::string cpu_model() {
    std::ifstream info("/proc/cpuinfo");
    std::string line;
    while (std::getline(info, line))
        if (line.rfind("model name", 0) == 0)
            return line.substr(line.find(':') + 2);
    return "?";
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, separator))
        parts.push_back(part);
    return parts;
}

struct Kind {
    std::string name;
    double gflop = 0, wall = 0, cpu = 0;
};

struct Result {
    bool ok = false;
    double wall = 0, cpu = 0, peak_mb = 0;
    std::string precision, isa;
    std::vector<Kind> kinds;
    std::map<std::string, std::string> implementations;
    double gflop() const {
        double total = 0;
        for (const auto& k : kinds)
            total += k.gflop;
        return total;
    }
};

Result parse_timing(const std::string& output) {
    Result r;
    std::stringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("RESULT ", 0) == 0) {
            std::stringstream fields(line.substr(7));
            fields >> r.wall >> r.cpu >> r.peak_mb >> r.precision >> r.isa;
            r.ok = true;
        } else if (line.rfind("PROFILE ", 0) == 0) {
            const auto f = split(line.substr(8), '|');
            if (f.size() == 5)
                r.kinds.push_back({f[0], std::stod(f[1]), std::stod(f[2]), std::stod(f[3])});
        } else if (line.rfind("IMPL ", 0) == 0) {
            const auto f = split(line.substr(5), '|');
            if (f.size() == 2)
                r.implementations[f[0]] = f[1];
        }
    }
    return r;
}

double field_after(const std::string& text, const std::string& tag, int index = 0) {
    const auto at = text.find(tag + " ");
    if (at == std::string::npos)
        return 0.0;
    std::stringstream fields(text.substr(at + tag.size() + 1));
    double value = 0.0;
    for (int i = 0; i <= index; ++i)
        fields >> value;
    return value;
}

// --- Frame shapes (--aspects): the cost of a frame at each aspect (docs/shapes.md) ---

const char* const kAspects[] = {"1:1", "16:9", "9:16", "21:9", "4:1"};

// Every aspect of kAspects in a fresh process each, with the ratio of its time to 1:1's measured
// in the same run, beside the ratio of the areas.
int aspect_table(const std::string& self, int resolution, int threads, int repeats) {
    fmt::print("BigGAN-deep {} px, batch 1, float32, {} threads, seeded weights; load average: {}",
               resolution, threads, run_capture("cut -d' ' -f1-3 /proc/loadavg"));
    fmt::print("{:>6} {:>11} {:>10} {:>10} {:>9} {:>8}\n", "aspect", "frame", "s/frame", "cpu s/fr",
               "x 1:1", "area");
    double square_cpu = 0;
    for (const char* aspect : kAspects) {
        const auto out = run_capture(fmt::format("'{}' --one-aspect {} {} {} {}", self, resolution,
                                                 aspect, threads, repeats));
        const double seconds = field_after(out, "ASPECT"), cpu = field_after(out, "ASPECT", 1);
        const int width = static_cast<int>(field_after(out, "ASPECT", 2));
        const int height = static_cast<int>(field_after(out, "ASPECT", 3));
        if (square_cpu == 0)
            square_cpu = cpu;
        fmt::print("{:>6} {:>11} {:>10.3f} {:>10.3f} {:>8.2f}x {:>7.2f}x\n", aspect,
                   fmt::format("{}x{}", width, height), seconds, cpu, cpu / square_cpu,
                   static_cast<double>(width) * height / (resolution * resolution));
        std::fflush(stdout);
    }
    fmt::print("load average after: {}", run_capture("cut -d' ' -f1-3 /proc/loadavg"));
    return 0;
}

void usage() {
    fmt::print(stderr,
               "usage: bench_biggan [--threads N] [--repeats N] [--resolution R]... [--batch B]... "
               "[--precision fp32|bf16]... [--images N] [--no-error] [--aspects]\n"
               "       bench_biggan --baseline PATH [--threads N]... [--repeats N] [--rounds N] "
               "[--resolution R]... [--batch B]...\n");
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 6 && args[0] == "--one")
        return bench::run_timing(
            std::stoi(args[1]), std::stoi(args[2]), std::stoi(args[4]), std::stoi(args[3]),
            args[5] == "bf16" ? biggan::Precision::bf16 : biggan::Precision::fp32);
    if (args.size() == 4 && args[0] == "--error")
        return bench::run_error(std::stoi(args[1]), {0.4, 1.0}, std::stoi(args[3]),
                                std::stoi(args[2]));
    if (args.size() == 5 && args[0] == "--one-aspect")
        return bench::run_aspect(std::stoi(args[1]), args[2], std::stoi(args[4]),
                                 std::stoi(args[3]));
    int threads = 2, repeats = 3, images = 4, rounds = 2;
    std::vector<int> thread_counts;
    std::string baseline;
    bool error = true, aspects = false;
    std::vector<int> resolutions, batches;
    std::vector<std::string> precisions;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const bool value = i + 1 < args.size();
        if (args[i] == "--threads" && value)
            thread_counts.push_back(threads = std::stoi(args[++i]));
        else if (args[i] == "--baseline" && value)
            baseline = args[++i];
        else if (args[i] == "--rounds" && value)
            rounds = std::stoi(args[++i]);
        else if (args[i] == "--repeats" && value)
            repeats = std::stoi(args[++i]);
        else if (args[i] == "--resolution" && value)
            resolutions.push_back(std::stoi(args[++i]));
        else if (args[i] == "--batch" && value)
            batches.push_back(std::stoi(args[++i]));
        else if (args[i] == "--precision" && value)
            precisions.push_back(args[++i]);
        else if (args[i] == "--images" && value)
            images = std::stoi(args[++i]);
        else if (args[i] == "--no-error")
            error = false;
        else if (args[i] == "--aspects")
            aspects = true;
        else
            return usage(), 2;
    }
    if (resolutions.empty())
        resolutions = {128, 256, 512};
    if (batches.empty())
        batches = {1, 4};
    const bool bf16_here = runtime::supports_bf16(runtime::cpu_isa());
    if (precisions.empty())
        precisions = {"fp32", "bf16"};
    const std::string self = fs::canonical("/proc/self/exe").string();
    if (aspects)
        return aspect_table(self, resolutions.size() == 1 ? resolutions[0] : 128, threads, repeats);
    if (!baseline.empty()) {
        fmt::print("bench_biggan: {}; kernels: {}\n", cpu_model(),
                   runtime::cpu_isa_name(runtime::cpu_isa()));
        return bench::baseline_table(
            {.self = self,
             .baseline = baseline,
             .resolutions = resolutions,
             .batches = batches,
             .threads = thread_counts.empty() ? std::vector<int>{1, 2} : thread_counts,
             .repeats = repeats,
             .rounds = rounds});
    }

    fmt::print("bench_biggan: {}; {} threads; kernels: {}{}\n", cpu_model(), threads,
               runtime::cpu_isa_name(runtime::cpu_isa()),
               bf16_here ? "" : " (no bfloat16 arithmetic: bf16 runs fp32)");
    fmt::print("load average before: {}", run_capture("cut -d' ' -f1-3 /proc/loadavg"));
    const bench::FmaPeak peak = bench::measure_fma_peak(threads);
    fmt::print(
        "FMA peak ({} loop, {} threads): {:.1f} GFLOP/s wall, {:.1f} GFLOP per CPU-second\n"
        "  (% of peak: wall figures against the wall peak; CPU figures, steadier on a shared "
        "machine, against the per-CPU-second peak)\n\n",
        peak.isa, peak.threads, peak.gflops_wall, peak.gflops_per_cpu_s);

    std::map<std::tuple<int, int, std::string>, Result> results;
    fmt::print("{:>5} {:>5} {:>5} {:>9} {:>10} {:>7} {:>8} {:>8} {:>8}  {}\n", "px", "batch",
               "prec", "ms/frame", "cpu-ms/fr", "GFLOP", "%pk wall", "%pk cpu", "peak MB",
               "runs as");
    for (int r : resolutions)
        for (const auto& p : precisions)
            for (int b : batches) {
                Result res = parse_timing(run_capture(
                    fmt::format("'{}' --one {} {} {} {} {}", self, r, b, threads, repeats, p)));
                if (!res.ok) {
                    fmt::print("{:>5} {:>5} {:>5}  failed\n", r, b, p);
                    continue;
                }
                const double g = res.gflop();
                fmt::print(
                    "{:>5} {:>5} {:>5} {:>9.1f} {:>10.1f} {:>7.1f} {:>7.1f}% {:>7.1f}% {:>8.0f}  "
                    "{} {}\n",
                    r, b, p, 1e3 * res.wall, 1e3 * res.cpu, g,
                    100 * g / res.wall / peak.gflops_wall,
                    100 * g / res.cpu / peak.gflops_per_cpu_s, res.peak_mb, res.precision, res.isa);
                std::fflush(stdout);
                results[{r, b, p}] = std::move(res);
            }

    fmt::print("\nbatch 1 against batch 4, time per frame (≤ 1.15 wanted):\n");
    for (int r : resolutions)
        for (const auto& p : precisions) {
            const auto one = results.find({r, 1, p}), four = results.find({r, 4, p});
            if (one != results.end() && four != results.end())
                fmt::print("  {:>4} px {}: {:.3f} wall, {:.3f} CPU\n", r, p,
                           one->second.wall / four->second.wall,
                           one->second.cpu / four->second.cpu);
        }
    fmt::print("\nbf16 against fp32, speed-up per frame:\n");
    for (int r : resolutions)
        for (int b : batches) {
            const auto f = results.find({r, b, "fp32"}), h = results.find({r, b, "bf16"});
            if (f != results.end() && h != results.end())
                fmt::print("  {:>4} px batch {}: {:.2f}× wall, {:.2f}× CPU{}\n", r, b,
                           f->second.wall / h->second.wall, f->second.cpu / h->second.cpu,
                           h->second.precision == "bf16" ? "" : " (bf16 ran as fp32)");
        }

    for (const auto& [key, res] : results) {
        const auto& [r, b, p] = key;
        if (b != batches.front())
            continue;
        fmt::print("\nprofile, {} px batch {} {} (per frame):\n", r, b, p);
        fmt::print("  {:<34} {:>7} {:>8} {:>8} {:>6} {:>11} {:>8}\n", "kind", "GFLOP", "ms",
                   "cpu-ms", "share", "GFLOP/cpu-s", "%pk cpu");
        double total_cpu = 0;
        for (const auto& k : res.kinds)
            total_cpu += k.cpu;
        for (const auto& k : res.kinds) {
            const double rate = k.cpu > 0 ? k.gflop / k.cpu : 0.0;
            fmt::print("  {:<34} {:>7.2f} {:>8.2f} {:>8.2f} {:>5.1f}% {:>11.1f} {:>7.1f}%\n",
                       k.name, k.gflop, 1e3 * k.wall, 1e3 * k.cpu, 100 * k.cpu / total_cpu, rate,
                       100 * rate / peak.gflops_per_cpu_s);
        }
        fmt::print("  {:<34} (fused into the convolutions: no pass of their own)\n",
                   "batch norm, ReLU, upsample, residual");
        if (r == resolutions.front() && p == precisions.front()) {
            fmt::print("  implementations:\n");
            for (const auto& [what, impl] : res.implementations)
                fmt::print("    {:<44} {}\n", what, impl);
        }
    }

    if (error) {
        fmt::print(
            "\nbf16 against fp32 on the seeded full-size models ({} images each; PSNR of "
            "the 8-bit pixels, rel. L2 of the outputs):\n",
            images);
        fmt::print("  {:>4} {:>10} {:>10} {:>10} {:>11} {:>11}\n", "px", "truncation", "PSNR min",
                   "PSNR mean", "rel L2 max", "rel L2 mean");
        for (int r : resolutions) {
            const auto out =
                run_capture(fmt::format("'{}' --error {} {} {}", self, r, threads, images));
            if (out.find("NOBF16") != std::string::npos) {
                fmt::print("  {:>4}  not measured: this CPU has no bfloat16 arithmetic\n", r);
                continue;
            }
            std::stringstream in(out);
            std::string line;
            while (std::getline(in, line))
                if (line.rfind("ERROR ", 0) == 0) {
                    std::stringstream f(line.substr(6));
                    int px = 0, n = 0;
                    double t = 0, pmin = 0, pmean = 0, lmax = 0, lmean = 0;
                    f >> px >> t >> n >> pmin >> pmean >> lmax >> lmean;
                    fmt::print("  {:>4} {:>10.2f} {:>9.2f}  {:>9.2f}  {:>11.2e} {:>11.2e}\n", px, t,
                               pmin, pmean, lmax, lmean);
                }
            std::fflush(stdout);
        }
    }
    fmt::print("\nload average after: {}", run_capture("cut -d' ' -f1-3 /proc/loadavg"));
    return 0;
}
