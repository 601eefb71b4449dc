#include "fma_peak.h"

#include <immintrin.h>
#include <omp.h>
#include <time.h>

#include <algorithm>
#include <chrono>

#include "runtime/cpu_isa.h"

namespace bgv::bench {

namespace {

// Chains of dependent FMAs, enough of them to cover the latency of two FMA units
// (4 cycles × 2 units × 3 for headroom); each returns the flops it did.
constexpr int kChains = 24;

__attribute__((target("avx512f"))) double fma_loop_avx512(long iterations, float seed) {
    __m512 acc[kChains];
    const __m512 m = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(seed);
    for (int i = 0; i < kChains; ++i)
        acc[i] = _mm512_set1_ps(static_cast<float>(i));
    // Unrolled, so that the chains live in registers (a loop over the array keeps them in
    // memory: a third of the rate).
    for (long k = 0; k < iterations; ++k) {
#pragma GCC unroll 24
        for (int i = 0; i < kChains; ++i)
            acc[i] = _mm512_fmadd_ps(acc[i], m, b);
    }
    __m512 sum = acc[0];
    for (int i = 1; i < kChains; ++i)
        sum = _mm512_add_ps(sum, acc[i]);
    alignas(64) float out[16];
    _mm512_store_ps(out, sum);
    // The result is used, so the loop stays; it is never this large.
    return out[0] == 12345.0f ? 0.0 : 2.0 * 16 * kChains * static_cast<double>(iterations);
}

__attribute__((target("avx2,fma"))) double fma_loop_avx2(long iterations, float seed) {
    constexpr int chains = 12;  // 16 registers
    __m256 acc[chains];
    const __m256 m = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(seed);
    for (int i = 0; i < chains; ++i)
        acc[i] = _mm256_set1_ps(static_cast<float>(i));
    for (long k = 0; k < iterations; ++k) {
#pragma GCC unroll 12
        for (int i = 0; i < chains; ++i)
            acc[i] = _mm256_fmadd_ps(acc[i], m, b);
    }
    __m256 sum = acc[0];
    for (int i = 1; i < chains; ++i)
        sum = _mm256_add_ps(sum, acc[i]);
    alignas(32) float out[8];
    _mm256_store_ps(out, sum);
    return out[0] == 12345.0f ? 0.0 : 2.0 * 8 * chains * static_cast<double>(iterations);
}

double fma_loop_generic(long iterations, float seed) {
    using V = float __attribute__((vector_size(16)));
    constexpr int chains = 12;
    V acc[chains];
    const V m = V{} + 0.999999f, b = V{} + seed;
    for (int i = 0; i < chains; ++i)
        acc[i] = V{} + static_cast<float>(i);
    for (long k = 0; k < iterations; ++k) {
#pragma GCC unroll 12
        for (int i = 0; i < chains; ++i)
            acc[i] = acc[i] * m + b;
    }
    float sum = 0.0f;
    for (int i = 0; i < chains; ++i)
        sum += acc[i][0];
    return sum == 12345.0f ? 0.0 : 2.0 * 4 * chains * static_cast<double>(iterations);
}

double thread_cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

}  // namespace

FmaPeak measure_fma_peak(int threads, double seconds, int repeats) {
    using runtime::CpuIsa;
    const CpuIsa isa = runtime::cpu_isa();
    FmaPeak peak;
    peak.threads = threads;
    auto loop = &fma_loop_generic;
    peak.isa = "generic";
    if (isa >= CpuIsa::avx512) {
        loop = &fma_loop_avx512;
        peak.isa = "avx512";
    } else if (isa == CpuIsa::avx2) {
        loop = &fma_loop_avx2;
        peak.isa = "avx2";
    }
    // Iterations for `seconds` on one thread, from a short calibration run.
    long iterations = 100000;
    for (;;) {
        const auto start = std::chrono::steady_clock::now();
        loop(iterations, 1e-7f);
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (s > 0.02) {
            iterations = static_cast<long>(static_cast<double>(iterations) * seconds / s);
            break;
        }
        iterations *= 4;
    }
    for (int r = 0; r < repeats; ++r) {
        double flops = 0.0, cpu = 0.0;
        const auto start = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads) reduction(+ : flops, cpu)
        {
            const double cpu_start = thread_cpu_seconds();
            flops += loop(iterations, 1e-7f * static_cast<float>(omp_get_thread_num() + 1));
            cpu += thread_cpu_seconds() - cpu_start;
        }
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        peak.gflops_wall = std::max(peak.gflops_wall, flops / wall * 1e-9);
        peak.gflops_per_cpu_s = std::max(peak.gflops_per_cpu_s, flops / cpu * 1e-9);
    }
    return peak;
}

}  // namespace bgv::bench
