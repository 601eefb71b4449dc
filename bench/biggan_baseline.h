// bench/biggan_baseline: this build's generator against another build's bench_biggan (the main
// branch's, by path) in one run: time per frame of each at every resolution, batch and thread
// count, the programs alternating round by round and the best round kept, this build's bf16
// beside; then, for each, frames per second at 2 threads against 1.
#pragma once

#include <string>
#include <vector>

namespace bgv::bench {

struct BaselineRun {
    std::string self;      // this bench_biggan
    std::string baseline;  // the other build's bench_biggan: `--one R B THREADS REPEATS`
    std::vector<int> resolutions, batches, threads;
    int repeats = 3;  // frames timed per run (best kept), after a warm-up
    int rounds = 2;   // alternations of the programs
};

// Prints the table; 0.
int baseline_table(const BaselineRun& run);

}  // namespace bgv::bench
