#include "runtime/winograd_conv.h"

#include <cstring>

#include "core/assert.h"
#include "runtime/cpu_isa.h"
#include "runtime/dnnl_engine.h"
#include "runtime/lanes.h"

namespace bgv::runtime {

namespace {

constexpr int kBlock = 16;  // oneDNN's nChw16c: 16 channels of a pixel side by side, one Lanes
static_assert(kBlock == kLanes);

#define BGV_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma")))

BGV_AVX512 inline __attribute__((always_inline)) Lanes load(const float* p) {
    Lanes v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
BGV_AVX512 inline __attribute__((always_inline)) void store(float* p, const Lanes& v) {
    std::memcpy(p, &v, sizeof v);
}

// One row of pixels: NHWC → its blocks, `plane` floats apart.
BGV_AVX512 void block_row(const float* row, float* dst, std::int64_t w, std::int64_t blocks,
                          std::int64_t plane) {
    for (std::int64_t x = 0; x < w; ++x)
        for (std::int64_t b = 0; b < blocks; ++b)
            store(dst + b * plane + x * kBlock, load(row + (x * blocks + b) * kBlock));
}

// One row back, with the epilogue: residual (its pixel index x >> up), affine, ReLU.
template <bool Residual, bool Affine, bool Relu>
BGV_AVX512 void unblock_row(const float* src, float* row, std::int64_t w, std::int64_t blocks,
                            std::int64_t plane, const float* res_row, std::int64_t res_channels,
                            int up, const float* scale, const float* shift) {
    const Lanes zero = {};
    for (std::int64_t x = 0; x < w; ++x) {
        float* o = row + x * blocks * kBlock;
        for (std::int64_t b = 0; b < blocks; ++b) {
            Lanes v = load(src + b * plane + x * kBlock);
            if constexpr (Residual)
                v += load(res_row + (x >> up) * res_channels + b * kBlock);
            if constexpr (Affine)
                v = v * load(scale + b * kBlock) + load(shift + b * kBlock);
            if constexpr (Relu)
                v = v > zero ? v : zero;
            store(o + b * kBlock, v);
        }
    }
}

using UnblockRow = void (*)(const float*, float*, std::int64_t, std::int64_t, std::int64_t,
                            const float*, std::int64_t, int, const float*, const float*);

template <bool Residual, bool Affine>
UnblockRow unblock_row_for(bool relu) {
    return relu ? unblock_row<Residual, Affine, true> : unblock_row<Residual, Affine, false>;
}

#undef BGV_AVX512

// NHWC (any border) → (N, C/16, H, W, 16).
void block_channels(const FeatureMap& in, float* blocked) {
    BGV_ASSERT(
        in.type() == DataType::f32 && in.channels() % kBlock == 0 && cpu_isa() >= CpuIsa::avx512,
        "block_channels: {} is not float32 in blocks of {}, or no AVX-512", in.shape_string(),
        kBlock);
    const std::int64_t n = in.batch(), h = in.height(), w = in.width();
    const std::int64_t blocks = in.channels() / kBlock, plane = h * w * kBlock;
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t y = 0; y < h; ++y)
            block_row(in.f32() + in.offset(i, y, 0), blocked + i * blocks * plane + y * w * kBlock,
                      w, blocks, plane);
}

// (N, C/16, H, W, 16) → NHWC (any border), with the epilogue.
void unblock_channels(const float* blocked, FeatureMap& out, const ConvEpilogueOps& e) {
    BGV_ASSERT(
        out.type() == DataType::f32 && out.channels() % kBlock == 0 && cpu_isa() >= CpuIsa::avx512,
        "unblock_channels: {} is not float32 in blocks of {}, or no AVX-512", out.shape_string(),
        kBlock);
    BGV_ASSERT((e.scale == nullptr) == (e.shift == nullptr),
               "unblock_channels: an affine needs both scale and shift");
    const std::int64_t n = out.batch(), h = out.height(), w = out.width(), c = out.channels();
    const std::int64_t blocks = c / kBlock, plane = h * w * kBlock;
    const FeatureMap* r = e.residual;
    const int up = e.residual_upsampled ? 1 : 0;
    BGV_ASSERT(
        r == nullptr || (r->type() == DataType::f32 && r->border() == 0 && r->batch() == n &&
                         r->height() << up == h && r->width() << up == w && r->channels() >= c),
        "unblock_channels: residual {} for output {}", r->shape_string(), out.shape_string());
    const bool affine = e.scale != nullptr;
    const UnblockRow run = r != nullptr ? (affine ? unblock_row_for<true, true>(e.relu)
                                                  : unblock_row_for<true, false>(e.relu))
                                        : (affine ? unblock_row_for<false, true>(e.relu)
                                                  : unblock_row_for<false, false>(e.relu));
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t y = 0; y < h; ++y) {
            const std::int64_t at = e.per_sample ? i * c : 0;
            run(blocked + i * blocks * plane + y * w * kBlock, out.f32() + out.offset(i, y, 0), w,
                blocks, plane, r == nullptr ? nullptr : r->f32() + r->offset(i, y >> up, 0),
                r == nullptr ? 0 : r->channels(), up, affine ? e.scale + at : nullptr,
                affine ? e.shift + at : nullptr);
        }
    }
}

}  // namespace

bool WinogradConv::runs(int out_channels, int in_channels, CpuIsa isa) {
    return isa >= CpuIsa::avx512 && out_channels % kBlock == 0 && in_channels % kBlock == 0;
}

WinogradConv::WinogradConv(std::span<const float> weights, std::span<const float> bias,
                           int out_channels, int in_channels)
    : conv_(weights, bias, out_channels, in_channels, 3, 1, DnnlConvAlgorithm::winograd) {}

void WinogradConv::run(Engine& engine, const FeatureMap& in, FeatureMap& out,
                       const ConvEpilogueOps& epilogue) {
    const std::int64_t n = in.batch(), h = in.height(), w = in.width();
    BGV_ASSERT(in.channels() == in_channels() && out.batch() == n && out.height() == h &&
                   out.width() == w && out.channels() == out_channels(),
               "winograd conv: output {} for input {} of a {}->{} conv", out.shape_string(),
               in.shape_string(), in_channels(), out_channels());
    engine.use_on_this_thread();
    Tensor& blocked_in = engine.impl().winograd_in;    // (N, in / 16, H, W, 16)
    Tensor& blocked_out = engine.impl().winograd_out;  // (N, out / 16, H, W, 16)
    blocked_in.resize({n, in_channels() / kBlock, h, w, kBlock});
    blocked_out.resize({n, out_channels() / kBlock, h, w, kBlock});
    block_channels(in, blocked_in.data());
    conv_.run_blocked(engine, blocked_in.data(), blocked_out.data(), n, h, w);
    unblock_channels(blocked_out.data(), out, epilogue);
}

}  // namespace bgv::runtime
