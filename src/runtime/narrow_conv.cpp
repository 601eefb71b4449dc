#include "runtime/narrow_conv.h"

#include <fmt/format.h>

#include <cstring>

#include "core/assert.h"
#include "core/error.h"
#include "runtime/cpu_isa.h"
#include "runtime/dnnl_engine.h"
#include "runtime/lanes.h"

namespace bgv::runtime {

namespace {

// `P` interior pixels (x .. x+P-1, all nine taps inside the row) of `O` output channels: P·O
// vector accumulators over every tap and 16 input channels at a time; reduced once per pixel.
// c is a multiple of kLanes.
//
// With 32 vector registers (`Reuse`) the weights of a tap row (3 taps × O outputs) stay in
// registers while the P + 2 input pixels of that row are loaded once each and serve every tap
// they fall under: 3·P·O multiply-adds per P + 2 + 3·O loads, where a tap at a time needs
// P + O loads for P·O of them and runs out of load slots before multiply-add slots. With 16
// registers (AVX2 holds a 16-lane vector in two) the weights do not fit: a tap at a time.
template <int O, int P, bool Reuse>
inline __attribute__((always_inline)) void narrow_pixels(const float* in, std::int64_t h,
                                                         std::int64_t w, std::int64_t c,
                                                         std::int64_t y, std::int64_t x,
                                                         const float* weights, const float* bias,
                                                         float* out_row[4]) {
    Lanes a[P][O] = {};
    if (y + 1 < h) {
        // The input row below is read here for the first time: fetch the next step's pixels of
        // it while this step computes.
        const char* next = reinterpret_cast<const char*>(in + ((y + 1) * w + x + P + 1) * c);
        const char* end = reinterpret_cast<const char*>(in + (y + 2) * w * c);
        for (std::int64_t b = 0; b < P * c * 4 && next + b < end; b += 64)
            __builtin_prefetch(next + b);
    }
    for (int ky = 0; ky < 3; ++ky) {
        const std::int64_t sy = y + ky - 1;
        if (sy < 0 || sy >= h)
            continue;
        if constexpr (Reuse) {
            const float* p = in + (sy * w + x - 1) * c;  // input pixels x-1 .. x+P
            const float* wt = weights + ky * 3 * 4 * c;  // taps (ky, 0..2)
            for (std::int64_t k = 0; k < c; k += kLanes) {
                // memcpy: unaligned vector loads, kept inside this (cloned) function so that
                // each ISA clone uses its own registers.
                Lanes wo[3][O];
                for (int kx = 0; kx < 3; ++kx)
                    for (int o = 0; o < O; ++o)
                        std::memcpy(&wo[kx][o], wt + (kx * 4 + o) * c + k, sizeof(Lanes));
                for (int s = 0; s < P + 2; ++s) {
                    Lanes v;
                    std::memcpy(&v, p + s * c + k, sizeof v);
                    // Input pixel x-1+s is tap kx of output pixel x+q where q = s - kx.
                    for (int kx = 0; kx < 3; ++kx) {
                        const int q = s - kx;
                        if (q < 0 || q >= P)
                            continue;
                        for (int o = 0; o < O; ++o)
                            a[q][o] += v * wo[kx][o];
                    }
                }
            }
        } else {
            for (int kx = 0; kx < 3; ++kx) {
                const float* p = in + (sy * w + x + kx - 1) * c;
                const float* wt = weights + (ky * 3 + kx) * 4 * c;
                for (std::int64_t k = 0; k < c; k += kLanes) {
                    Lanes v[P], wo[O];
                    for (int q = 0; q < P; ++q)
                        std::memcpy(&v[q], p + q * c + k, sizeof(Lanes));
                    for (int o = 0; o < O; ++o)
                        std::memcpy(&wo[o], wt + o * c + k, sizeof(Lanes));
                    for (int q = 0; q < P; ++q)
                        for (int o = 0; o < O; ++o)
                            a[q][o] += v[q] * wo[o];
                }
            }
        }
    }
    for (int q = 0; q < P; ++q)
        for (int o = 0; o < O; ++o)
            out_row[o][x + q] = sum_lanes(a[q][o]) + bias[o];
}

// One pixel anywhere in the row (the borders, and any channel count): taps outside the image
// skipped, channels beyond the last multiple of 16 one by one.
inline __attribute__((always_inline)) void narrow_pixel(const float* in, std::int64_t h,
                                                        std::int64_t w, std::int64_t c,
                                                        std::int64_t y, std::int64_t x,
                                                        const float* weights, const float* bias,
                                                        float* out_row[4]) {
    Lanes a[4] = {};
    float tail[4] = {0, 0, 0, 0};
    for (int ky = 0; ky < 3; ++ky) {
        const std::int64_t sy = y + ky - 1;
        if (sy < 0 || sy >= h)
            continue;
        for (int kx = 0; kx < 3; ++kx) {
            const std::int64_t sx = x + kx - 1;
            if (sx < 0 || sx >= w)
                continue;
            const float* p = in + (sy * w + sx) * c;
            const float* wt = weights + (ky * 3 + kx) * 4 * c;
            std::int64_t k = 0;
            for (; k + kLanes <= c; k += kLanes) {
                Lanes v, wo[4];
                std::memcpy(&v, p + k, sizeof v);
                for (int o = 0; o < 4; ++o)
                    std::memcpy(&wo[o], wt + o * c + k, sizeof v);
                for (int o = 0; o < 4; ++o)
                    a[o] += v * wo[o];
            }
            for (; k < c; ++k)
                for (int o = 0; o < 4; ++o)
                    tail[o] += p[k] * wt[o * c + k];
        }
    }
    for (int o = 0; o < 4; ++o)
        if (out_row[o] != nullptr)
            out_row[o][x] = sum_lanes(a[o]) + tail[o] + bias[o];
}

// One output row (sample n, row y) of `O` output channels, `P` interior pixels at a time.
template <int O, int P, bool Reuse>
inline __attribute__((always_inline)) void narrow_row(const float* in, std::int64_t h,
                                                      std::int64_t w, std::int64_t c,
                                                      std::int64_t y, const float* weights,
                                                      const float* bias, float* out_row[4]) {
    std::int64_t x = 0;
    for (; x < w; ++x) {
        if (x >= 1 && c % kLanes == 0)
            break;
        narrow_pixel(in, h, w, c, y, x, weights, bias, out_row);
    }
    for (; x + P < w; x += P)
        narrow_pixels<O, P, Reuse>(in, h, w, c, y, x, weights, bias, out_row);
    for (; x < w; ++x)
        narrow_pixel(in, h, w, c, y, x, weights, bias, out_row);
}

// The row kernel for `outs` output channels (1 to 4) with `P` pixels a step.
template <int P, bool Reuse>
inline __attribute__((always_inline)) void narrow_row_outs(const float* in, std::int64_t h,
                                                           std::int64_t w, std::int64_t c,
                                                           std::int64_t y, const float* weights,
                                                           const float* bias, float** out_row,
                                                           int outs) {
    switch (outs) {
        case 1:
            return narrow_row<1, P, Reuse>(in, h, w, c, y, weights, bias, out_row);
        case 2:
            return narrow_row<2, P, Reuse>(in, h, w, c, y, weights, bias, out_row);
        case 3:
            return narrow_row<3, P, Reuse>(in, h, w, c, y, weights, bias, out_row);
        default:
            return narrow_row<4, P, Reuse>(in, h, w, c, y, weights, bias, out_row);
    }
}

using NarrowRow = void (*)(const float*, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                           const float*, const float*, float**, int);

// AVX-512: five pixels of three outputs, 15 accumulators beside 9 weights (to_rgb's case; four
// outputs spill a few registers); six pixels spilled and ran 2-4× slower, four ran 1.1-1.3×
// slower (bench/README.md, "to_rgb"). AVX2 holds a 16-lane vector in two of its 16 registers:
// two pixels, a tap at a time. Portable code: one.
__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma"))) void narrow_row_avx512(
    const float* in, std::int64_t h, std::int64_t w, std::int64_t c, std::int64_t y,
    const float* weights, const float* bias, float** out_row, int outs) {
    narrow_row_outs<5, true>(in, h, w, c, y, weights, bias, out_row, outs);
}

__attribute__((target("avx2,fma"))) void narrow_row_avx2(const float* in, std::int64_t h,
                                                         std::int64_t w, std::int64_t c,
                                                         std::int64_t y, const float* weights,
                                                         const float* bias, float** out_row,
                                                         int outs) {
    narrow_row_outs<2, false>(in, h, w, c, y, weights, bias, out_row, outs);
}

void narrow_row_generic(const float* in, std::int64_t h, std::int64_t w, std::int64_t c,
                        std::int64_t y, const float* weights, const float* bias, float** out_row,
                        int outs) {
    narrow_row_outs<1, false>(in, h, w, c, y, weights, bias, out_row, outs);
}

// The instruction set every runtime kernel follows (cpu_isa.h).
NarrowRow narrow_row_for(CpuIsa isa) {
    if (isa >= CpuIsa::avx512)
        return narrow_row_avx512;
    if (isa == CpuIsa::avx2)
        return narrow_row_avx2;
    return narrow_row_generic;
}

}  // namespace

NarrowConv3x3::NarrowConv3x3(std::span<const float> weights, std::span<const float> bias,
                             int out_channels, int in_channels, CpuIsa isa)
    : out_channels_(out_channels), in_channels_(in_channels), isa_(isa) {
    BGV_ASSERT(isa <= cpu_isa(), "narrow conv: {} kernels on a {} CPU", cpu_isa_name(isa),
               cpu_isa_name(cpu_isa()));
    BGV_ASSERT(out_channels >= 1 && out_channels <= 4,
               "narrow conv: {} output channels (1 to 4 supported)", out_channels);
    BGV_ASSERT(weights.size() == static_cast<std::size_t>(out_channels) * in_channels * 9,
               "narrow conv: {} weights given for ({}, {}, 3, 3)", weights.size(), out_channels,
               in_channels);
    BGV_ASSERT(bias.empty() || bias.size() == static_cast<std::size_t>(out_channels),
               "narrow conv: {} bias values for {} outputs", bias.size(), out_channels);
    weights_.assign(static_cast<std::size_t>(9) * 4 * in_channels, 0.0f);
    for (int o = 0; o < out_channels; ++o)
        for (int i = 0; i < in_channels; ++i)
            for (int t = 0; t < 9; ++t)
                weights_[(static_cast<std::size_t>(t) * 4 + o) * in_channels + i] =
                    weights[(static_cast<std::size_t>(o) * in_channels + i) * 9 + t];
    for (std::size_t o = 0; o < bias.size(); ++o)
        bias_[o] = bias[o];
}

std::string NarrowConv3x3::implementation() const {
    return fmt::format("bgv:{} narrow", float_kernels_name(isa_));
}

void NarrowConv3x3::run(Engine& engine, const FeatureMap& in, std::span<float> out) {
    engine.impl().use_on_this_thread();
    if (!reported_) {
        report_implementation(
            engine.impl(), fmt::format("narrow conv 3x3 {}->{} f32", in_channels_, out_channels_),
            implementation());
        reported_ = true;
    }
    BGV_ASSERT(in.channels() == in_channels_ && in.type() == DataType::f32 && in.border() == 0,
               "narrow conv: input {} is not (N, H, W, {}) float32 border-free", in.shape_string(),
               in_channels_);
    const std::int64_t n = in.batch(), h = in.height(), w = in.width();
    BGV_ASSERT(static_cast<std::int64_t>(out.size()) == n * out_channels_ * h * w,
               "narrow conv: {} output values for {} × {} × {} × {}", out.size(), n, out_channels_,
               h, w);
    const float* src = in.f32();
    float* dst = out.data();
    const float* weights = weights_.data();
    const float* bias = bias_;
    const std::int64_t c = in_channels_, outs = out_channels_;
    const NarrowRow row = narrow_row_for(isa_);
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t y = 0; y < h; ++y) {
            float* rows[4] = {nullptr, nullptr, nullptr, nullptr};
            for (std::int64_t o = 0; o < outs; ++o)
                rows[o] = dst + ((i * outs + o) * h + y) * w;
            row(src + i * h * w * c, h, w, c, y, weights, bias, rows, static_cast<int>(outs));
        }
    }
}

}  // namespace bgv::runtime
