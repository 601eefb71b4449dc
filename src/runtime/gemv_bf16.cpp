#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "core/assert.h"
#include "runtime/conv_kernel.h"
#include "runtime/gemv.h"
#include "runtime/lanes.h"

#if defined(__clang__)
#pragma clang attribute push(                                                          \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma,avx2"))), \
    apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma,avx2")
#endif

namespace bgv::runtime {

namespace {
constexpr std::int64_t kPairs = 32;      // bfloat16 values per vdpbf16ps
constexpr std::int64_t kBlockRows = 64;  // rows of W per scheduling unit (32 KB at in = 256)

}  // namespace

void gemv_bf16(const float* x, const std::uint16_t* weight, const float* bias, float* y,
               std::int64_t rows, std::int64_t in, std::int64_t out) {
    BGV_ASSERT(in % kPairs == 0, "gemv_bf16: {} inputs, a multiple of {} expected", in, kPairs);
    std::vector<std::uint16_t> x_bf16(static_cast<std::size_t>(rows * in));
    for (std::int64_t i = 0; i < rows * in; ++i)
        x_bf16[static_cast<std::size_t>(i)] = to_bf16(x[i]);
    const std::int64_t steps = in / kPairs, blocks = (out + kBlockRows - 1) / kBlockRows;
#pragma omp parallel for schedule(static)
    for (std::int64_t block = 0; block < blocks; ++block) {
        const std::int64_t end = std::min(out, (block + 1) * kBlockRows);
        for (std::int64_t n = block * kBlockRows; n < end; ++n) {
            const std::uint16_t* w = weight + n * in;
            for (std::int64_t r = 0; r < rows; ++r) {  // W's row stays in L1 for the next rows
                const std::uint16_t* v = x_bf16.data() + r * in;
                __m512 acc = _mm512_setzero_ps();
                for (std::int64_t s = 0; s < steps; ++s)
                    acc = _mm512_dpbf16_ps(acc, (__m512bh)_mm512_loadu_si512(w + s * kPairs),
                                           (__m512bh)_mm512_loadu_si512(v + s * kPairs));
                y[r * out + n] = sum_lanes(static_cast<Lanes>(acc)) + (bias ? bias[n] : 0.0f);
            }
        }
    }
}

}  // namespace bgv::runtime

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
