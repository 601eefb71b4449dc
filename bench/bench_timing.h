// bench/bench_timing: wall and CPU time of a piece of work, for the benchmarks' reports (CPU time
// is the steadier figure on a shared machine).
#pragma once

#include <time.h>

#include <chrono>

namespace bgv::bench {

// CPU seconds of the whole process (all threads): on a machine shared with other jobs, wall time
// measures the load; CPU time divided by the threads bounds what a quiet machine would take.
inline double cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

struct Timing {
    double wall = 0;
    double cpu = 0;
};

template <typename Body>
Timing time_it(Body&& body) {
    const auto wall_start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    body();
    const auto wall = std::chrono::steady_clock::now() - wall_start;
    return {std::chrono::duration<double>(wall).count(), cpu_seconds() - cpu_start};
}

}  // namespace bgv::bench
