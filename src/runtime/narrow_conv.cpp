#include "runtime/narrow_conv.h"

#include <fmt/format.h>

#include <cstring>

#include "core/assert.h"
#include "core/error.h"
#include "runtime/cpu_isa.h"
#include "runtime/dnnl_engine.h"

namespace bgv::runtime {

namespace {

constexpr int kLanes = 16;  // one AVX-512 register of floats (two AVX2 ones, four SSE ones)
using Lanes = float __attribute__((vector_size(kLanes * sizeof(float))));

// One output row (sample n, row y) of all four output channels; four vector accumulators
// across all nine taps, reduced once per pixel. Compiled once per instruction set below.
inline __attribute__((always_inline)) void narrow_row(const float* in, std::int64_t h,
                                                      std::int64_t w, std::int64_t c,
                                                      std::int64_t y, const float* weights,
                                                      const float* bias, float* out_row[4]) {
    for (std::int64_t x = 0; x < w; ++x) {
        if (x >= 1 && x + 2 < w && c % kLanes == 0) {
            // Two interior pixels at once: eight independent accumulators hide the FMA latency
            // and every weight load serves two pixels.
            Lanes a[2][4] = {};
            for (int ky = 0; ky < 3; ++ky) {
                const std::int64_t sy = y + ky - 1;
                if (sy < 0 || sy >= h)
                    continue;
                for (int kx = 0; kx < 3; ++kx) {
                    const float* p0 = in + (sy * w + x + kx - 1) * c;
                    const float* p1 = p0 + c;
                    const float* wt = weights + (ky * 3 + kx) * 4 * c;
                    for (std::int64_t k = 0; k < c; k += kLanes) {
                        Lanes v0, v1, w0, w1, w2, w3;
                        std::memcpy(&v0, p0 + k, sizeof v0);
                        std::memcpy(&v1, p1 + k, sizeof v1);
                        std::memcpy(&w0, wt + k, sizeof w0);
                        std::memcpy(&w1, wt + c + k, sizeof w1);
                        std::memcpy(&w2, wt + 2 * c + k, sizeof w2);
                        std::memcpy(&w3, wt + 3 * c + k, sizeof w3);
                        a[0][0] += v0 * w0;
                        a[0][1] += v0 * w1;
                        a[0][2] += v0 * w2;
                        a[0][3] += v0 * w3;
                        a[1][0] += v1 * w0;
                        a[1][1] += v1 * w1;
                        a[1][2] += v1 * w2;
                        a[1][3] += v1 * w3;
                    }
                }
            }
            for (int q = 0; q < 2; ++q)
                for (int o = 0; o < 4; ++o) {
                    float sum = bias[o];
                    for (int j = 0; j < kLanes; ++j)
                        sum += a[q][o][j];
                    if (out_row[o] != nullptr)
                        out_row[o][x + q] = sum;
                }
            ++x;
            continue;
        }
        Lanes a0 = {}, a1 = {}, a2 = {}, a3 = {};
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
                    // memcpy: unaligned vector loads, kept inside this (cloned) function so that
                    // each ISA clone uses its own registers.
                    Lanes v, w0, w1, w2, w3;
                    std::memcpy(&v, p + k, sizeof v);
                    std::memcpy(&w0, wt + k, sizeof v);
                    std::memcpy(&w1, wt + c + k, sizeof v);
                    std::memcpy(&w2, wt + 2 * c + k, sizeof v);
                    std::memcpy(&w3, wt + 3 * c + k, sizeof v);
                    a0 += v * w0;
                    a1 += v * w1;
                    a2 += v * w2;
                    a3 += v * w3;
                }
                for (; k < c; ++k)
                    for (int o = 0; o < 4; ++o)
                        tail[o] += p[k] * wt[o * c + k];
            }
        }
        float sums[4] = {tail[0], tail[1], tail[2], tail[3]};
        for (int j = 0; j < kLanes; ++j) {
            sums[0] += a0[j];
            sums[1] += a1[j];
            sums[2] += a2[j];
            sums[3] += a3[j];
        }
        for (int o = 0; o < 4; ++o)
            if (out_row[o] != nullptr)
                out_row[o][x] = sums[o] + bias[o];
    }
}

using NarrowRow = void (*)(const float*, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                           const float*, const float*, float**);

__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma"))) void narrow_row_avx512(
    const float* in, std::int64_t h, std::int64_t w, std::int64_t c, std::int64_t y,
    const float* weights, const float* bias, float** out_row) {
    narrow_row(in, h, w, c, y, weights, bias, out_row);
}

__attribute__((target("avx2,fma"))) void narrow_row_avx2(const float* in, std::int64_t h,
                                                         std::int64_t w, std::int64_t c,
                                                         std::int64_t y, const float* weights,
                                                         const float* bias, float** out_row) {
    narrow_row(in, h, w, c, y, weights, bias, out_row);
}

void narrow_row_generic(const float* in, std::int64_t h, std::int64_t w, std::int64_t c,
                        std::int64_t y, const float* weights, const float* bias, float** out_row) {
    narrow_row(in, h, w, c, y, weights, bias, out_row);
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
                             int out_channels, int in_channels)
    : out_channels_(out_channels), in_channels_(in_channels) {
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
    const CpuIsa isa = cpu_isa();
    return fmt::format("bgv:{} narrow", isa >= CpuIsa::avx512 ? "avx512"
                                        : isa == CpuIsa::avx2 ? "avx2"
                                                              : "generic");
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
    const NarrowRow row = narrow_row_for(cpu_isa());
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t y = 0; y < h; ++y) {
            float* rows[4] = {nullptr, nullptr, nullptr, nullptr};
            for (std::int64_t o = 0; o < outs; ++o)
                rows[o] = dst + ((i * outs + o) * h + y) * w;
            row(src + i * h * w * c, h, w, c, y, weights, bias, rows);
        }
    }
}

}  // namespace bgv::runtime
