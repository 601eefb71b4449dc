#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "core/assert.h"
#include "runtime/conv_kernel.h"
#include "runtime/gemv.h"  // gemv_bf16 (gemv.cpp holds gemv_f32)
#include "runtime/lanes.h"

namespace bgv::runtime {

namespace {

constexpr std::int64_t kPairs = 32;      // bfloat16 values per vdpbf16ps
constexpr std::int64_t kBlockRows = 64;  // rows of W per scheduling unit (32 KB at in = 256)

// Rows [first, end) of W, each read once for every row of x (already bfloat16).
__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma"))) void gemv_rows_bf16(
    const std::uint16_t* x, const std::uint16_t* weight, const float* bias, float* y,
    std::int64_t rows, std::int64_t in, std::int64_t out, std::int64_t first, std::int64_t end) {
    const std::int64_t steps = in / kPairs;
    for (std::int64_t n = first; n < end; ++n) {
        const std::uint16_t* w = weight + n * in;
        for (std::int64_t r = 0; r < rows; ++r) {  // W's row stays in L1 for the next rows
            const std::uint16_t* v = x + r * in;
            __m512 acc = _mm512_setzero_ps();
            for (std::int64_t s = 0; s < steps; ++s)
                acc = _mm512_dpbf16_ps(acc, (__m512bh)_mm512_loadu_si512(w + s * kPairs),
                                       (__m512bh)_mm512_loadu_si512(v + s * kPairs));
            const Lanes sums = static_cast<Lanes>(acc);
            y[r * out + n] = sum_lanes(sums) + (bias ? bias[n] : 0.0f);
        }
    }
}

}  // namespace

void gemv_bf16(const float* x, const std::uint16_t* weight, const float* bias, float* y,
               std::int64_t rows, std::int64_t in, std::int64_t out) {
    BGV_ASSERT(in % kPairs == 0, "gemv_bf16: {} inputs, a multiple of {} expected", in, kPairs);
    std::vector<std::uint16_t> x_bf16(static_cast<std::size_t>(rows * in));
    std::transform(x, x + rows * in, x_bf16.begin(), to_bf16);
    const std::int64_t blocks = (out + kBlockRows - 1) / kBlockRows;
#pragma omp parallel for schedule(static)
    for (std::int64_t block = 0; block < blocks; ++block)
        gemv_rows_bf16(x_bf16.data(), weight, bias, y, rows, in, out, block * kBlockRows,
                       std::min(out, (block + 1) * kBlockRows));
}

}  // namespace bgv::runtime
