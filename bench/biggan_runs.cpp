#include "biggan_runs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

#include "bench_timing.h"
#include "core/random.h"
#include "model/biggan/image_difference.h"
#include "runtime/cpu_isa.h"
#include "runtime/profile.h"
#include "seeded_model.h"

namespace bgv::bench {

namespace {

double peak_memory_mb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    return 0.0;
}

// Noise truncated at `truncation` and one-hot classes spread over the 1000.
struct Vectors {
    std::vector<float> z, y;
};
Vectors vectors(const biggan::Config& c, int batch, double truncation, std::uint64_t seed) {
    Random random(seed);
    Vectors v{std::vector<float>(static_cast<std::size_t>(batch) * c.z_dim),
              std::vector<float>(static_cast<std::size_t>(batch) * c.num_classes, 0.0f)};
    fill_truncated_noise(random, truncation, v.z);
    for (int i = 0; i < batch; ++i)
        v.y[static_cast<std::size_t>(i) * c.num_classes +
            (static_cast<std::size_t>(seed) * 389 + static_cast<std::size_t>(i) * 97) %
                c.num_classes] = 1.0f;
    return v;
}

}  // namespace

std::string run_capture(const std::string& command) {
    std::string output;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[1024];
        while (std::fgets(buffer, sizeof buffer, pipe))
            output += buffer;
        pclose(pipe);
    }
    return output;
}

biggan::Generator load_seeded_generator(int resolution, double truncation, int threads,
                                        biggan::Precision precision) {
    auto model = test::fullsize_model(resolution);
    return biggan::Generator::from_state_dict(model.weights, model.config, truncation, threads,
                                              precision);
}

int run_timing(int resolution, int batch, int repeats, int threads, biggan::Precision precision) {
    auto generator = load_seeded_generator(resolution, 0.555, threads, precision);
    const auto v = vectors(generator.config(), batch, 0.555, 1);
    std::vector<float> out(static_cast<std::size_t>(batch) * 3 * resolution * resolution);
    generator.generate(v.z, v.y, batch, out);  // warm-up: buffers sized, primitives made
    Timing best{1e30, 1e30};
    for (int r = 0; r < repeats; ++r) {
        const Timing t = time_it([&] { generator.generate(v.z, v.y, batch, out); });
        best.wall = std::min(best.wall, t.wall / batch);
        best.cpu = std::min(best.cpu, t.cpu / batch);
    }
    fmt::print("RESULT {:.5f} {:.5f} {:.0f} {} {}\n", best.wall, best.cpu, peak_memory_mb(),
               biggan::precision_name(generator.precision()),
               runtime::cpu_isa_name(runtime::cpu_isa()));
    runtime::Profile profile;
    generator.attach_profile(&profile);
    const Timing whole = time_it([&] { generator.generate(v.z, v.y, batch, out); });
    generator.attach_profile(nullptr);
    double wall = 0.0, cpu = 0.0;
    for (const auto& e : profile.entries()) {
        fmt::print("PROFILE {}|{:.6f}|{:.6f}|{:.6f}|{}\n", e.kind, e.flops * 1e-9 / batch,
                   e.wall_seconds / batch, e.cpu_seconds / batch, e.calls / batch);
        wall += e.wall_seconds;
        cpu += e.cpu_seconds;
    }
    // Whatever the kinds do not cover: argument checks, buffer sizing, copies for the tail.
    fmt::print("PROFILE other|0|{:.6f}|{:.6f}|0\n", (whole.wall - wall) / batch,
               (whole.cpu - cpu) / batch);
    for (const auto& [what, impl] : generator.implementations())
        fmt::print("IMPL {}|{}\n", what, impl);
    return 0;
}

int run_aspect(int resolution, const std::string& aspect, int repeats, int threads) {
    auto generator = load_seeded_generator(resolution, 1.0, threads, biggan::Precision::fp32);
    generator.set_grid(biggan::grid_for_aspect(biggan::parse_aspect(aspect), biggan::Widen::noise));
    const auto v = vectors(generator.config(), 1, 1.0, 1);
    std::vector<float> out(static_cast<std::size_t>(3) * generator.width() * generator.height());
    generator.generate(v.z, v.y, 1, out);  // warm-up
    Timing best{1e30, 1e30};
    for (int r = 0; r < repeats; ++r) {
        const Timing t = time_it([&] { generator.generate(v.z, v.y, 1, out); });
        best.wall = std::min(best.wall, t.wall);
        best.cpu = std::min(best.cpu, t.cpu);
    }
    fmt::print("ASPECT {:.4f} {:.4f} {} {}\n", best.wall, best.cpu, generator.width(),
               generator.height());
    return 0;
}

int run_error(int resolution, const std::vector<double>& truncations, int images, int threads) {
    using biggan::Precision;
    auto model = test::fullsize_model(resolution);
    auto fp32 = biggan::Generator::from_state_dict(model.weights, model.config, 1.0, threads,
                                                   Precision::fp32);
    auto bf16 = biggan::Generator::from_state_dict(model.weights, model.config, 1.0, threads,
                                                   Precision::bf16);
    model.weights.clear();
    if (bf16.precision() != Precision::bf16) {
        fmt::print("NOBF16 {}\n", runtime::cpu_isa_name(runtime::cpu_isa()));
        return 0;
    }
    const auto& c = fp32.config();
    const std::size_t image = static_cast<std::size_t>(3) * resolution * resolution;
    for (double t : truncations) {
        fp32.set_truncation(t);
        bf16.set_truncation(t);
        double psnr_min = std::numeric_limits<double>::infinity(), psnr_sum = 0.0;
        double l2_max = 0.0, l2_sum = 0.0;
        for (int i = 0; i < images; ++i) {
            const auto v = vectors(c, 1, t, 100 + static_cast<std::uint64_t>(i));
            std::vector<float> want(image), got(image);
            fp32.generate(v.z, v.y, 1, want);
            bf16.generate(v.z, v.y, 1, got);
            const auto d = biggan::image_difference(got, want, resolution, resolution);
            const double psnr = d.psnr_db, l2 = d.relative_l2;
            psnr_min = std::min(psnr_min, psnr);
            psnr_sum += psnr;
            l2_max = std::max(l2_max, l2);
            l2_sum += l2;
        }
        fmt::print("ERROR {} {} {} {:.2f} {:.2f} {:.3e} {:.3e}\n", resolution, t, images, psnr_min,
                   psnr_sum / images, l2_max, l2_sum / images);
        std::fflush(stdout);
    }
    return 0;
}

}  // namespace bgv::bench
