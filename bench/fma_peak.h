// bench/fma_peak: the machine's floating-point limit, measured: a loop of independent vector
// fused multiply-adds (no memory traffic) on every thread, in the widest instruction set the
// runtime's kernels use (AVX-512, AVX2, or plain C++), so that benchmarks report their speed as
// a fraction of it measured in the same run.
#pragma once

#include <string>

namespace bgv::bench {

struct FmaPeak {
    std::string isa;  // "avx512", "avx2" or "generic"
    int threads = 1;
    double gflops_wall = 0.0;       // all threads together, per second of wall time
    double gflops_per_cpu_s = 0.0;  // per second of CPU time (one core's rate, load-proof)
};

// Best of `repeats` runs of about `seconds` each.
FmaPeak measure_fma_peak(int threads, double seconds = 0.3, int repeats = 3);

}  // namespace bgv::bench
