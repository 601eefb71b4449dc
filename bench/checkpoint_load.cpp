// bench_checkpoint FILE: how long load_state_dict takes on FILE (best of 3), against torch.load in
// Debian's python3 measured in the same run where it is installed. Make a BigGAN-sized legacy file
// with: /usr/bin/python3 bench/make_large_checkpoint.py /tmp/large.bin
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "checkpoint/checkpoint.h"
#include "core/error.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Best of three torch.load timings, or a negative number when torch is not available.
double torch_load_seconds(const std::filesystem::path& file) {
    const std::string command =
        "/usr/bin/python3 -c 'import sys, time, torch\nbest = 1e9\nfor _ in range(3):\n"
        "    t = time.perf_counter(); torch.load(sys.argv[1]); best = min(best, "
        "time.perf_counter() - t)\n"
        "print(best)' '" +
        file.string() + "' 2>/dev/null";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
        return -1;
    double seconds = -1;
    if (std::fscanf(pipe, "%lf", &seconds) != 1)
        seconds = -1;
    ::pclose(pipe);
    return seconds;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: bench_checkpoint FILE\n");
        return 2;
    }
    const std::filesystem::path file = argv[1];
    try {
        double best = 1e9;
        std::size_t tensors = 0;
        for (int run = 0; run < 3; ++run) {
            const auto start = std::chrono::steady_clock::now();
            const auto state = bgv::checkpoint::load_state_dict(file);
            best = std::min(best, seconds_since(start));
            tensors = state.size();
        }
        const double megabytes = static_cast<double>(std::filesystem::file_size(file)) / 1e6;
        std::printf("load_state_dict: %zu tensors, %.0f MB in %.3f s (%.0f MB/s), best of 3\n",
                    tensors, megabytes, best, megabytes / best);
        const double torch = torch_load_seconds(file);
        if (torch > 0)
            std::printf("torch.load:      %.3f s; bigganviz is %.2fx torch's speed\n", torch,
                        torch / best);
        else
            std::printf("torch.load: not available (/usr/bin/python3 with torch)\n");
    } catch (const std::exception& error) {
        std::fprintf(stderr, "bench_checkpoint: %s\n", bgv::describe(error).c_str());
        return 1;
    }
    return 0;
}
