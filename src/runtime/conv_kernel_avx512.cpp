// The convolution kernel on AVX-512 (float32): 32 vector registers hold tiles of 6 pixels × 64
// channels (4 × 64 for rows of 4, 8, 16, 32), 12 × 32 (or 8 × 32) or 16 × 16.
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/assert.h"
#include "runtime/conv_kernel.h"

// The instruction set of this file's kernels, for gcc and for clang (the fuzzers' build).
#if defined(__clang__)
#pragma clang attribute push( \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma,avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,fma,avx2")
#endif
#include "runtime/conv_ops_avx512.h"
#include "runtime/conv_tile.h"

namespace bgv::runtime::kernels {

namespace {

// Without avx512_bf16, bfloat16 outputs are rounded one value at a time.
struct Avx512 : Avx512Floats {
    static void stream_bf16(std::uint16_t* p, V v) { store_bf16(p, v); }
    static void store_bf16(std::uint16_t* p, V v) { store_bf16_partial(p, v, lanes); }
    static void store_bf16_partial(std::uint16_t* p, V v, int count) {
        alignas(64) float values[lanes];
        _mm512_store_ps(values, v);
        for (int i = 0; i < count; ++i)
            p[i] = to_bf16(values[i]);
    }
};

}  // namespace

void conv_avx512(const ConvKernelArgs& a) {
    BGV_ASSERT(a.weights->type == DataType::f32, "avx512 kernel: float32 weights expected");
    conv_tile::run_avx512_tiles<Avx512, float>(a);
}

}  // namespace bgv::runtime::kernels
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
