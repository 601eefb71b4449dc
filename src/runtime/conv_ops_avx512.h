// runtime/conv_ops_avx512: the float32 vector operations the AVX-512 convolution kernels share
// (conv_kernel_avx512.cpp, conv_kernel_avx512_bf16.cpp), for conv_tile's templates. Included by
// those files only, after their instruction-set pragma: each compiles it for its own target.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace bgv::runtime::kernels {

namespace {

struct Avx512Floats {
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
};

}  // namespace

}  // namespace bgv::runtime::kernels
