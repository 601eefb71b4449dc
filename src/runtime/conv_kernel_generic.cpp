// The convolution kernel in portable C++ (float32): the compiler's 4-float vectors, for CPUs
// without AVX2.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/assert.h"
#include "runtime/conv_kernel.h"
#include "runtime/conv_tile.h"

namespace bgv::runtime::kernels {

namespace {

struct Portable {
    static constexpr int lanes = 4;
    using V = float __attribute__((vector_size(lanes * sizeof(float))));
    static V zero() { return V{}; }
    static V load(const float* p) {
        V v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    static V load_partial(const float* p, int count) {
        V v{};
        for (int i = 0; i < count; ++i)
            v[i] = p[i];
        return v;
    }
    static void store(float* p, V v) { std::memcpy(p, &v, sizeof v); }
    static void stream(float* p, V v) { store(p, v); }
    static void stream_bf16(std::uint16_t* p, V v) { store_bf16(p, v); }
    static void fence() {}
    static void store_partial(float* p, V v, int count) {
        for (int i = 0; i < count; ++i)
            p[i] = v[i];
    }
    static V broadcast(float s) { return V{} + s; }
    static V fma(V a, V b, V c) { return a * b + c; }
    static V add(V a, V b) { return a + b; }
    static V max0(V a) {
        for (int i = 0; i < lanes; ++i)
            a[i] = a[i] > 0.0f ? a[i] : 0.0f;
        return a;
    }
    static void store_bf16(std::uint16_t* p, V v) { store_bf16_partial(p, v, lanes); }
    static void store_bf16_partial(std::uint16_t* p, V v, int count) {
        for (int i = 0; i < count; ++i)
            p[i] = to_bf16(v[i]);
    }
};

}  // namespace

void conv_generic(const ConvKernelArgs& a) {
    BGV_ASSERT(a.weights->type == DataType::f32, "generic kernel: float32 weights expected");
    if (a.weights->tiling.vectors == 2)
        return conv_tile::run<Portable, float, 4, 2>(a);
    return conv_tile::run<Portable, float, 8, 1>(a);
}

}  // namespace bgv::runtime::kernels
