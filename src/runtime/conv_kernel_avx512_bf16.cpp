// The convolution kernel on AVX-512 with bfloat16 inputs and weights (vdpbf16ps: two input
// channels per multiply-add, float32 accumulation), same tiles as the float32 kernel.
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
#pragma clang attribute push(                                                          \
    __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma,avx2"))), \
    apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma,avx2")
#endif
#include "runtime/conv_ops_avx512.h"
#include "runtime/conv_tile.h"

namespace bgv::runtime::kernels {

namespace {

struct Avx512Bf16 : Avx512Floats {
    using W = __m512bh;
    static void stream_bf16(std::uint16_t* p, V v) {
        const __m256i packed = (__m256i)_mm512_cvtneps_pbh(v);
        if ((reinterpret_cast<std::uintptr_t>(p) & 31) == 0)
            _mm256_stream_si256(reinterpret_cast<__m256i*>(p), packed);
        else
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), packed);
    }
    static void store_bf16(std::uint16_t* p, V v) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), (__m256i)_mm512_cvtneps_pbh(v));
    }
    static void store_bf16_partial(std::uint16_t* p, V v, int count) {
        _mm256_mask_storeu_epi16(p, mask(count), (__m256i)_mm512_cvtneps_pbh(v));
    }
    static W load_pairs(const std::uint16_t* p) { return (W)_mm512_loadu_si512(p); }
    static W broadcast_pair(const std::uint16_t* p) {
        std::int32_t pair;
        std::memcpy(&pair, p, sizeof pair);
        return (W)_mm512_set1_epi32(pair);
    }
    static V dot_bf16(V acc, W a, W b) { return _mm512_dpbf16_ps(acc, a, b); }
};

}  // namespace

void conv_avx512_bf16(const ConvKernelArgs& a) {
    BGV_ASSERT(a.weights->type == DataType::bf16, "bf16 kernel: bfloat16 weights expected");
    BGV_ASSERT(a.weights->in_channels % 2 == 0, "bf16 kernel: {} input channels (pairs needed)",
               a.weights->in_channels);
    conv_tile::run_avx512_tiles<Avx512Bf16, std::uint16_t>(a);
}

}  // namespace bgv::runtime::kernels
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
