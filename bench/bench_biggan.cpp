// bench_biggan: seconds per frame and peak memory of the BigGAN-deep generator at 128, 256 and
// 512 px, batch 1 and 4, each configuration in a fresh process (this program re-executes itself)
// so that peak memory is that configuration's own. Weights: /work/fullsize/<R>/ when present
// (or BGV_FULLSIZE_DIR), else random weights of the published shapes (same cost).
// When /usr/bin/python3 has torch, also times PyTorch's float32 forward of the same model
// (bench/biggan_torch_time.py, 2 threads; --torch CMD to use another command that, given
// "R BATCH", prints "TORCH <seconds per frame>"; --no-torch to skip) and prints the ratio.
// --aspects [--resolution R]: seconds per frame at batch 1 for 1:1, 16:9, 9:16, 21:9 and 4:1
// frames (widened first grid), with each one's ratio to 1:1 and its area's.
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/log.h"
#include "core/random.h"
#include "model/biggan/generator.h"
#include "random_model.h"
#include "runtime/conv2d.h"

namespace fs = std::filesystem;
using namespace bgv;

namespace {

biggan::Config published(int resolution) {
    biggan::Config c;
    using L = biggan::LayerSpec;
    c.layers = {L{false, 16, 16}, L{true, 16, 16}, L{false, 16, 16}, L{true, 16, 8},
                L{false, 8, 8}};
    if (resolution == 128) {
        c.layers.insert(c.layers.end(), {L{true, 8, 4}, L{false, 4, 4}, L{true, 4, 2},
                                         L{false, 2, 2}, L{true, 2, 1}});
    } else {
        c.layers.insert(c.layers.end(),
                        {L{true, 8, 8}, L{false, 8, 8}, L{true, 8, 4}, L{false, 4, 4},
                         L{true, 4, 2}, L{false, 2, 2}, L{true, 2, 1}});
        if (resolution == 512)
            c.layers.insert(c.layers.end(), {L{false, 1, 1}, L{true, 1, 1}});
    }
    c.output_dim = resolution;
    return c;
}

double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

double peak_memory_mb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    return 0.0;
}

fs::path fullsize_dir(int resolution) {
    const char* root = std::getenv("BGV_FULLSIZE_DIR");
    return fs::path(root ? root : "/work/fullsize") / std::to_string(resolution);
}

// One configuration: prints "RESULT <s/frame> <peak MB> <source>".
int run_one(int resolution, int batch, int repeats, int threads) {
    if (std::getenv("BGV_VERBOSE") != nullptr)
        log::set_level(log::Level::debug);  // shows each primitive's oneDNN implementation
    // Tuning knobs (see runtime/conv2d.h and model/biggan/generator.h).
    if (const char* v = std::getenv("BGV_PER_SAMPLE_MIN_PIXELS"))
        runtime::Conv2d::set_per_sample_min_pixels(std::stoll(v));
    if (const char* v = std::getenv("BGV_SAMPLE_BY_SAMPLE_MIN_PIXELS"))
        biggan::Generator::set_sample_by_sample_min_pixels(std::stoll(v));
    std::string source = "random weights";
    auto generator = [&] {
        const fs::path dir = fullsize_dir(resolution);
        if (fs::exists(dir / "config.json")) {
            source = dir.string();
            return biggan::Generator::load(dir, 1.0, threads);
        }
        const auto config = published(resolution);
        const auto weights = test::RandomModel(resolution).make(config);
        return biggan::Generator::from_state_dict(weights, config, 1.0, threads);
    }();
    const auto& c = generator.config();
    Random random(1);
    std::vector<float> z(static_cast<std::size_t>(batch) * c.z_dim),
        y(static_cast<std::size_t>(batch) * c.num_classes, 0.0f);
    fill_truncated_noise(random, 1.0, z);
    for (int i = 0; i < batch; ++i)
        y[static_cast<std::size_t>(i) * c.num_classes + (i * 97) % c.num_classes] = 1.0f;
    std::vector<float> out(static_cast<std::size_t>(batch) * 3 * resolution * resolution);
    generator.generate(z, y, batch, out);  // warm-up: primitives created, buffers sized
    double best = 1e30, best_cpu = 1e30;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        const double cpu_start = cpu_seconds();
        generator.generate(z, y, batch, out);
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::min(best, s / batch);
        best_cpu = std::min(best_cpu, (cpu_seconds() - cpu_start) / batch);
    }
    // CPU seconds per frame are less disturbed by other processes than wall time on a shared
    // machine; on a quiet one wall ~ CPU / threads.
    fmt::print("RESULT {:.4f} {:.0f} {:.4f} {}\n", best, peak_memory_mb(), best_cpu, source);
    return 0;
}

std::string run_capture(const std::string& command) {
    std::string output;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[512];
        while (std::fgets(buffer, sizeof buffer, pipe))
            output += buffer;
        pclose(pipe);
    }
    return output;
}

double field_after(const std::string& text, const std::string& tag, int index = 0) {
    const auto at = text.find(tag + " ");
    if (at == std::string::npos)
        return -1.0;
    std::string rest = text.substr(at + tag.size() + 1);
    for (int i = 0; i < index; ++i)
        rest = rest.substr(rest.find(' ') + 1);
    return std::stod(rest);
}

// --- Frame shapes (--aspects): the cost of a frame at each aspect (docs/shapes.md) ---

const char* const kAspects[] = {"1:1", "16:9", "9:16", "21:9", "4:1"};

// One aspect at batch 1 in this process: prints "ASPECT <s/frame> <cpu s/frame> <W> <H>". Random
// weights of the published shapes (the cost does not depend on the values).
int run_one_aspect(int resolution, const std::string& aspect, int repeats, int threads) {
    const auto config = published(resolution);
    auto generator = biggan::Generator::from_state_dict(test::RandomModel(resolution).make(config),
                                                        config, 1.0, threads);
    generator.set_grid(biggan::grid_for_aspect(biggan::parse_aspect(aspect), biggan::Widen::noise));
    const auto& c = generator.config();
    Random random(1);
    std::vector<float> z(c.z_dim), y(c.num_classes, 0.0f);
    fill_truncated_noise(random, 1.0, z);
    y[207] = 1.0f;
    std::vector<float> out(static_cast<std::size_t>(3) * generator.width() * generator.height());
    generator.generate(z, y, 1, out);  // warm-up
    double best = 1e30, best_cpu = 1e30;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        const double cpu_start = cpu_seconds();
        generator.generate(z, y, 1, out);
        best = std::min(
            best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        best_cpu = std::min(best_cpu, cpu_seconds() - cpu_start);
    }
    fmt::print("ASPECT {:.4f} {:.4f} {} {}\n", best, best_cpu, generator.width(),
               generator.height());
    return 0;
}

// Every aspect of kAspects in a fresh process each, with the ratio of its time to 1:1's measured
// in the same run, beside the ratio of the areas.
int aspect_table(const std::string& self, int resolution, int threads, int repeats) {
    fmt::print("BigGAN-deep {} px, batch 1, float32, {} threads, random weights; load average: {}",
               resolution, threads, run_capture("cut -d' ' -f1-3 /proc/loadavg"));
    fmt::print("{:>6} {:>11} {:>10} {:>10} {:>9} {:>8}\n", "aspect", "frame", "s/frame", "cpu s/fr",
               "x 1:1", "area");
    double square = 0, square_cpu = 0;
    for (const char* aspect : kAspects) {
        const auto out = run_capture(fmt::format("'{}' --one-aspect {} {} {} {}", self, resolution,
                                                 aspect, threads, repeats));
        const double seconds = field_after(out, "ASPECT"), cpu = field_after(out, "ASPECT", 1);
        const int width = static_cast<int>(field_after(out, "ASPECT", 2));
        const int height = static_cast<int>(field_after(out, "ASPECT", 3));
        if (square == 0) {
            square = seconds;
            square_cpu = cpu;
        }
        fmt::print("{:>6} {:>11} {:>10.3f} {:>10.3f} {:>8.2f}x {:>7.2f}x\n", aspect,
                   fmt::format("{}x{}", width, height), seconds, cpu, cpu / square_cpu,
                   static_cast<double>(width) * height / (resolution * resolution));
        std::fflush(stdout);
    }
    fmt::print("load average after: {}", run_capture("cut -d' ' -f1-3 /proc/loadavg"));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    int threads = 2, repeats = 3;
    std::string torch_command;
    std::vector<int> resolutions = {128, 256, 512}, batches = {1, 4};
    bool aspects = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--one" && i + 2 < args.size()) {
            if (i + 3 < args.size())
                threads = std::stoi(args[i + 3]);
            if (i + 4 < args.size())
                repeats = std::stoi(args[i + 4]);
            return run_one(std::stoi(args[i + 1]), std::stoi(args[i + 2]), repeats, threads);
        }
        if (args[i] == "--one-aspect" && i + 4 < args.size())
            return run_one_aspect(std::stoi(args[i + 1]), args[i + 2], std::stoi(args[i + 4]),
                                  std::stoi(args[i + 3]));
        if (args[i] == "--threads" && i + 1 < args.size())
            threads = std::stoi(args[++i]);
        else if (args[i] == "--repeats" && i + 1 < args.size())
            repeats = std::stoi(args[++i]);
        else if (args[i] == "--torch" && i + 1 < args.size())
            torch_command = args[++i];
        else if (args[i] == "--no-torch")
            torch_command = "none";
        else if (args[i] == "--resolution" && i + 1 < args.size())
            resolutions = {std::stoi(args[++i])};
        else if (args[i] == "--batch" && i + 1 < args.size())
            batches = {std::stoi(args[++i])};
        else if (args[i] == "--aspects")
            aspects = true;
        else {
            fmt::print(stderr,
                       "usage: bench_biggan [--threads N] [--repeats N] [--resolution R] "
                       "[--batch B] [--torch CMD | --no-torch] [--aspects]\n");
            return 2;
        }
    }
    const std::string self = fs::canonical("/proc/self/exe").string();
    if (aspects)
        return aspect_table(self, resolutions.size() == 1 ? resolutions[0] : 128, threads, repeats);
    if (torch_command.empty() &&
        std::system("/usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1") == 0)
        torch_command =
            fmt::format("/usr/bin/python3 '{}/bench/biggan_torch_time.py'", BGV_SOURCE_DIR);
    if (torch_command == "none")
        torch_command.clear();
    fmt::print("BigGAN-deep generator, float32, {} threads; load average: {}", threads,
               run_capture("cut -d' ' -f1-3 /proc/loadavg"));
    fmt::print("{:>5} {:>5} {:>10} {:>10} {:>9} {:>12} {:>7}  {}\n", "px", "batch", "s/frame",
               "cpu s/fr", "peak MB", "torch s/fr", "ratio", "weights");
    for (int r : resolutions)
        for (int b : batches) {
            const auto out =
                run_capture(fmt::format("'{}' --one {} {} {} {}", self, r, b, threads, repeats));
            const double seconds = field_after(out, "RESULT"), peak = field_after(out, "RESULT", 1);
            const double cpu = field_after(out, "RESULT", 2);
            std::string source = "?";
            if (auto at = out.find("RESULT "); at != std::string::npos) {
                std::string line = out.substr(at);
                line = line.substr(0, line.find('\n'));
                for (int i = 0; i < 4; ++i)
                    line = line.substr(line.find(' ') + 1);
                source = line;
            }
            double torch = -1.0;
            if (!torch_command.empty())
                torch =
                    field_after(run_capture(fmt::format("{} {} {}", torch_command, r, b)), "TORCH");
            fmt::print("{:>5} {:>5} {:>10.3f} {:>10.3f} {:>9.0f} {:>12} {:>7}  {}\n", r, b, seconds,
                       cpu, peak, torch > 0 ? fmt::format("{:.3f}", torch) : "-",
                       torch > 0 ? fmt::format("{:.2f}x", torch / seconds) : "-", source);
            std::fflush(stdout);
        }
    fmt::print("load average after: {}", run_capture("cut -d' ' -f1-3 /proc/loadavg"));
    return 0;
}
