#include "runtime/gemv.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "core/assert.h"
#include "runtime/cpu_isa.h"
#include "runtime/lanes.h"

namespace bgv::runtime {

namespace {

constexpr std::int64_t kBlockRows = 64;  // rows of W per scheduling unit (64 KB at 256 floats)

// rows(first, end) for the blocks of kBlockRows rows of W, spread over the threads.
template <typename Rows>
void over_row_blocks(std::int64_t out, const Rows& rows) {
    const std::int64_t blocks = (out + kBlockRows - 1) / kBlockRows;
#pragma omp parallel for schedule(static)
    for (std::int64_t block = 0; block < blocks; ++block)
        rows(block * kBlockRows, std::min(out, (block + 1) * kBlockRows));
}

// Rows [first, end) of W, each read once for every row of x: two accumulator chains of kLanes,
// then the tree sum.
inline __attribute__((always_inline)) void gemv_rows(const float* x, const float* weight,
                                                     const float* bias, float* y, std::int64_t rows,
                                                     std::int64_t in, std::int64_t out,
                                                     std::int64_t first, std::int64_t end) {
    for (std::int64_t n = first; n < end; ++n) {
        const float* w = weight + n * in;
        for (std::int64_t r = 0; r < rows; ++r) {  // W's row stays in L1 for the next rows
            const float* v = x + r * in;
            Lanes a0 = {}, a1 = {};
            std::int64_t k = 0;
            for (; k + 2 * kLanes <= in; k += 2 * kLanes) {
                Lanes w0, w1, v0, v1;  // memcpy: unaligned loads, each clone its own registers
                std::memcpy(&w0, w + k, sizeof w0);
                std::memcpy(&w1, w + k + kLanes, sizeof w1);
                std::memcpy(&v0, v + k, sizeof v0);
                std::memcpy(&v1, v + k + kLanes, sizeof v1);
                a0 += w0 * v0;
                a1 += w1 * v1;
            }
            for (; k < in; k += kLanes) {
                Lanes w0, v0;
                std::memcpy(&w0, w + k, sizeof w0);
                std::memcpy(&v0, v + k, sizeof v0);
                a0 += w0 * v0;
            }
            const Lanes sums = a0 + a1;
            y[r * out + n] = sum_lanes(sums) + (bias ? bias[n] : 0.0f);
        }
    }
}

using GemvRows = void (*)(const float*, const float*, const float*, float*, std::int64_t,
                          std::int64_t, std::int64_t, std::int64_t, std::int64_t);

__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma"))) void gemv_rows_avx512(
    const float* x, const float* weight, const float* bias, float* y, std::int64_t rows,
    std::int64_t in, std::int64_t out, std::int64_t first, std::int64_t end) {
    gemv_rows(x, weight, bias, y, rows, in, out, first, end);
}

__attribute__((target("avx2,fma"))) void gemv_rows_avx2(const float* x, const float* weight,
                                                        const float* bias, float* y,
                                                        std::int64_t rows, std::int64_t in,
                                                        std::int64_t out, std::int64_t first,
                                                        std::int64_t end) {
    gemv_rows(x, weight, bias, y, rows, in, out, first, end);
}

void gemv_rows_generic(const float* x, const float* weight, const float* bias, float* y,
                       std::int64_t rows, std::int64_t in, std::int64_t out, std::int64_t first,
                       std::int64_t end) {
    gemv_rows(x, weight, bias, y, rows, in, out, first, end);
}

// Rows [first, end) of W in bfloat16, each read once for every row of x.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma"))) void gemv_rows_bf16(
    const std::uint16_t* x, const std::uint16_t* weight, const float* bias, float* y,
    std::int64_t rows, std::int64_t in, std::int64_t out, std::int64_t first, std::int64_t end) {
    for (std::int64_t n = first; n < end; ++n) {
        const std::uint16_t* w = weight + n * in;
        for (std::int64_t r = 0; r < rows; ++r) {  // W's row stays in L1 for the next rows
            const std::uint16_t* v = x + r * in;
            __m512 acc = _mm512_setzero_ps();
            for (std::int64_t k = 0; k < in; k += kGemvBf16Multiple)
                acc = _mm512_dpbf16_ps(acc, (__m512bh)_mm512_loadu_si512(w + k),
                                       (__m512bh)_mm512_loadu_si512(v + k));
            const Lanes sums = static_cast<Lanes>(acc);
            y[r * out + n] = sum_lanes(sums) + (bias ? bias[n] : 0.0f);
        }
    }
}

}  // namespace

void gemv_f32(const float* x, const float* weight, const float* bias, float* y, std::int64_t rows,
              std::int64_t in, std::int64_t out) {
    BGV_ASSERT(in % kLanes == 0, "gemv_f32: {} inputs, a multiple of {} expected", in, kLanes);
    const CpuIsa isa = cpu_isa();
    const GemvRows run = isa >= CpuIsa::avx512 ? gemv_rows_avx512
                         : isa == CpuIsa::avx2 ? gemv_rows_avx2
                                               : gemv_rows_generic;
    over_row_blocks(out, [&](std::int64_t first, std::int64_t end) {
        run(x, weight, bias, y, rows, in, out, first, end);
    });
}

void gemv_bf16(const std::uint16_t* x, const std::uint16_t* weight, const float* bias, float* y,
               std::int64_t rows, std::int64_t in, std::int64_t out) {
    BGV_ASSERT(in % kGemvBf16Multiple == 0, "gemv_bf16: {} inputs, a multiple of {} expected", in,
               kGemvBf16Multiple);
    over_row_blocks(out, [&](std::int64_t first, std::int64_t end) {
        gemv_rows_bf16(x, weight, bias, y, rows, in, out, first, end);
    });
}

}  // namespace bgv::runtime
