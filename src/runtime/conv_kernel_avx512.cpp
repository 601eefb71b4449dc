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
#include "runtime/conv_tile.h"

namespace bgv::runtime::kernels {

namespace {

struct Avx512 {
    static constexpr int lanes = 16;
    using V = __m512;
    static __mmask16 mask(int count) { return static_cast<__mmask16>((1u << count) - 1u); }
    static V zero() { return _mm512_setzero_ps(); }
    static V load(const float* p) { return _mm512_loadu_ps(p); }
    static V load_partial(const float* p, int count) {
        return _mm512_maskz_loadu_ps(mask(count), p);
    }
    static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
    // Past the caches (no read for ownership) where p is aligned; a plain store elsewhere.
    static void stream(float* p, V v) {
        if ((reinterpret_cast<std::uintptr_t>(p) & 63) == 0)
            _mm512_stream_ps(p, v);
        else
            _mm512_storeu_ps(p, v);
    }
    static void stream_bf16(std::uint16_t* p, V v) { store_bf16(p, v); }
    static void fence() { _mm_sfence(); }
    static void store_partial(float* p, V v, int count) {
        _mm512_mask_storeu_ps(p, mask(count), v);
    }
    static V broadcast(float s) { return _mm512_set1_ps(s); }
    static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
    static V add(V a, V b) { return _mm512_add_ps(a, b); }
    // The masked form: GCC 12 warns that the unmasked one's undefined pass-through is
    // uninitialised.
    static V max0(V a) { return _mm512_maskz_max_ps(0xFFFF, a, _mm512_setzero_ps()); }
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
