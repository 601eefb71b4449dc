// The convolution kernel on AVX2 + FMA (float32): 16 vector registers hold tiles of 6 pixels ×
// 16 channels or 12 × 8.
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
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
#include "runtime/conv_tile.h"

namespace bgv::runtime::kernels {

namespace {

struct Avx2 {
    static constexpr int lanes = 8;
    using V = __m256;
    static __m256i mask(int count) {
        return _mm256_cmpgt_epi32(_mm256_set1_epi32(count),
                                  _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    }
    static V zero() { return _mm256_setzero_ps(); }
    static V load(const float* p) { return _mm256_loadu_ps(p); }
    static V load_partial(const float* p, int count) { return _mm256_maskload_ps(p, mask(count)); }
    static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
    // Past the caches (no read for ownership) where p is aligned; a plain store elsewhere.
    static void stream(float* p, V v) {
        if ((reinterpret_cast<std::uintptr_t>(p) & 31) == 0)
            _mm256_stream_ps(p, v);
        else
            _mm256_storeu_ps(p, v);
    }
    static void stream_bf16(std::uint16_t* p, V v) { store_bf16(p, v); }
    static void fence() { _mm_sfence(); }
    static void store_partial(float* p, V v, int count) { _mm256_maskstore_ps(p, mask(count), v); }
    static V broadcast(float s) { return _mm256_set1_ps(s); }
    static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
    static V add(V a, V b) { return _mm256_add_ps(a, b); }
    static V max0(V a) { return _mm256_max_ps(a, _mm256_setzero_ps()); }
    static void store_bf16(std::uint16_t* p, V v) { store_bf16_partial(p, v, lanes); }
    static void store_bf16_partial(std::uint16_t* p, V v, int count) {
        alignas(32) float values[lanes];
        _mm256_store_ps(values, v);
        for (int i = 0; i < count; ++i)
            p[i] = to_bf16(values[i]);
    }
};

}  // namespace

void conv_avx2(const ConvKernelArgs& a) {
    BGV_ASSERT(a.weights->type == DataType::f32, "avx2 kernel: float32 weights expected");
    // 12 accumulators: 6 pixels × 2 vectors (4 × 2 for rows of 4, 8, 16, 32), or 12 × 1.
    if (a.weights->tiling.vectors == 2) {
        if (conv_tile::prefers(a.width, 4, 6))
            return conv_tile::run<Avx2, float, 4, 2>(a);
        return conv_tile::run<Avx2, float, 6, 2>(a);
    }
    return conv_tile::run<Avx2, float, 12, 1>(a);
}

}  // namespace bgv::runtime::kernels
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
