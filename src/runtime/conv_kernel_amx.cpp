// The convolution kernel on AMX (Intel's tile matrix unit): bfloat16 tiles of 16 pixels × 32
// input channels times 32 input channels × 16 outputs, float32 accumulation in tile registers,
// the epilogue on AVX-512. Output pixels are taken along the input's rows including their
// border columns (those outputs are computed and dropped), so that 16 consecutive pixels are
// one strided tile load whatever the row length.
#include <immintrin.h>
#include <omp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/assert.h"
#include "runtime/conv_kernel.h"

// The instruction set of this file's kernels, for gcc and for clang (the fuzzers' build).
#if defined(__clang__)
#pragma clang attribute push(                                                                 \
    __attribute__((                                                                           \
        target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,amx-tile,amx-bf16,fma,avx2"))), \
    apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,amx-tile,amx-bf16,fma,avx2")
#endif

namespace bgv::runtime::kernels {

namespace {

using i64 = std::int64_t;

constexpr int kTilePixels = 32;  // two A tiles of 16 rows
constexpr int kBlock = 32;       // output channels: two B tiles of 16 columns
constexpr int kDepth = 32;       // input channels per tile multiply (16 pairs)

// The palette-1 configuration: tiles 0-1 A (16 × 64 bytes), 2-3 B, 4-7 C.
struct alignas(64) TileConfig {
    std::uint8_t palette = 1;
    std::uint8_t start_row = 0;
    std::uint8_t reserved[14] = {};
    std::uint16_t bytes_per_row[16] = {};
    std::uint8_t rows[16] = {};
};

TileConfig tile_config() {
    TileConfig c;
    for (int t = 0; t < 8; ++t) {
        c.bytes_per_row[t] = 64;
        c.rows[t] = 16;
    }
    return c;
}

// Linux lends the tile state only to processes that ask (arch_prctl ARCH_REQ_XCOMP_PERM for
// XFEATURE_XTILEDATA); oneDNN asks too, the answer is the process's.
bool tiles_permitted() {
    static const bool permitted = syscall(SYS_arch_prctl, 0x1023, 18) == 0;
    return permitted;
}

// Bias, residual, affine, ReLU and the store of 32 channels of one output pixel.
inline void finish_pixel(const ConvKernelArgs& a, const float* sums, i64 n, i64 y, i64 x, int o0) {
    for (int j = 0; j < 2; ++j) {
        const int o = o0 + 16 * j;
        __m512 v = _mm512_loadu_ps(sums + 16 * j);
        if (a.bias != nullptr)
            v = _mm512_add_ps(v, _mm512_loadu_ps(a.bias + o));
        if (a.residual != nullptr)
            v = _mm512_add_ps(v,
                              _mm512_loadu_ps(a.residual + n * a.residual_sample +
                                              (y >> a.residual_upsample) * a.residual_row +
                                              (x >> a.residual_upsample) * a.residual_pixel + o));
        if (a.scale != nullptr) {
            const i64 at = n * a.affine_sample_stride + o;
            v = _mm512_fmadd_ps(v, _mm512_loadu_ps(a.scale + at), _mm512_loadu_ps(a.shift + at));
        }
        if (a.relu)
            v = _mm512_maskz_max_ps(0xFFFF, v, _mm512_setzero_ps());
        const i64 at = n * a.out_sample + y * a.out_row + x * a.out_pixel + o;
        if (a.out_type == DataType::f32) {
            float* p = static_cast<float*>(a.out) + at;
            if (a.stream_out && (reinterpret_cast<std::uintptr_t>(p) & 63) == 0)
                _mm512_stream_ps(p, v);
            else
                _mm512_storeu_ps(p, v);
        } else {
            auto* p = static_cast<std::uint16_t*>(a.out) + at;
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), (__m256i)_mm512_cvtneps_pbh(v));
        }
    }
}

// relu(in·scale + shift) of flat pixels [p0, p1) of sample n (a dense float32 input), as
// bfloat16 rows of k; rows up to a whole tile beyond p1 are zero.
void prologue(const ConvKernelArgs& a, int k, i64 n, i64 p0, i64 p1, std::uint16_t* to) {
    const float* scale = a.prologue_scale ? a.prologue_scale + n * k : nullptr;
    const float* shift = a.prologue_shift ? a.prologue_shift + n * k : nullptr;
    const float* in = static_cast<const float*>(a.in) + n * a.in_sample;
    for (i64 p = p0; p < p1; ++p) {
        const float* src = in + p * a.in_pixel;
        std::uint16_t* dst = to + (p - p0) * k;
        for (int c = 0; c < k; c += 16) {
            __m512 v = _mm512_loadu_ps(src + c);
            if (scale != nullptr)
                v = _mm512_fmadd_ps(v, _mm512_loadu_ps(scale + c), _mm512_loadu_ps(shift + c));
            if (a.prologue_relu)
                v = _mm512_maskz_max_ps(0xFFFF, v, _mm512_setzero_ps());
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + c),
                                (__m256i)_mm512_cvtneps_pbh(v));
        }
    }
    std::memset(to + (p1 - p0) * k, 0, static_cast<std::size_t>(kTilePixels) * k * 2);
}

}  // namespace

bool amx_fits(const ConvKernelArgs& a) {
    const PackedConvWeights& w = *a.weights;
    return w.isa == CpuIsa::avx512_amx && w.type == DataType::bf16 && w.tiling.block() == kBlock &&
           w.in_channels % kDepth == 0 && w.out_channels % kBlock == 0 &&
           a.in_row % a.in_pixel == 0 && tiles_permitted();
}

void conv_amx(const ConvKernelArgs& a) {
    const PackedConvWeights& pw = *a.weights;
    const int k = pw.in_channels;
    const int blocks = pw.out_channels / kBlock;
    const i64 block_weights = static_cast<i64>(pw.taps) * k * kBlock;
    const auto* weights = static_cast<const std::uint16_t*>(pw.data());
    // Output pixels along the input's rows: `pitch` per row, the first `width` of them kept.
    const i64 pitch = a.prologue ? a.width : a.in_row / a.in_pixel;
    BGV_ASSERT(pitch >= a.width, "amx kernel: rows of {} pixels for {} outputs", pitch, a.width);
    const i64 flat = (a.height - 1) * pitch + a.width;
    // Pieces of whole tiles; a prologue's piece (bfloat16) within 64 KB.
    i64 piece = 8 * kTilePixels;
    if (a.prologue)
        piece = std::clamp<i64>((i64{64} << 10) / (2 * k) / kTilePixels * kTilePixels, kTilePixels,
                                piece);
    const i64 pieces = (flat + piece - 1) / piece;
    const i64 base_items = a.batch * pieces;
    const i64 items = base_items * blocks;
    // Block-major or piece-major (kPixelMajorMaxWeightBytes): piece-major reads a piece's input,
    // and does its prologue, once for all blocks. (Block-major, conv_3 from 32 channels at 512²
    // read its input four times: bfloat16 then took 1.5× float32's time.)
    const bool piece_major = blocks * block_weights * 2 <= kPixelMajorMaxWeightBytes;
    const TileConfig config = tile_config();
    const i64 a_stride = (a.prologue ? k : a.in_pixel) * 2;  // bytes between A rows
#pragma omp parallel
    {
        _tile_loadconfig(&config);
        // Per thread, kept from call to call (see conv_tile.h).
        static thread_local std::vector<std::uint16_t> scratch;
        if (a.prologue && scratch.size() < static_cast<std::size_t>((piece + kTilePixels) * k))
            scratch.resize(static_cast<std::size_t>((piece + kTilePixels) * k));
        alignas(64) float sums[kTilePixels * kBlock];
        i64 prologue_done = -1;  // the piece (rest) whose prologue scratch holds
#pragma omp for schedule(static) nowait
        for (i64 item = 0; item < items; ++item) {
            const int b = static_cast<int>(piece_major ? item % blocks : item / base_items);
            const i64 rest = piece_major ? item / blocks : item % base_items;
            const i64 n = rest / pieces, p0 = (rest % pieces) * piece;
            const i64 p1 = std::min(flat, p0 + piece);
            const std::uint16_t* origin;
            if (a.prologue) {
                if (rest != prologue_done)
                    prologue(a, k, n, p0, p1, scratch.data());
                prologue_done = rest;
                origin = scratch.data();
            } else {
                origin =
                    static_cast<const std::uint16_t*>(a.in) + n * a.in_sample + p0 * a.in_pixel;
            }
            const i64 pixel = a.prologue ? k : a.in_pixel;
            const std::uint16_t* block_w = weights + b * block_weights;
            for (i64 p = p0; p < p1; p += kTilePixels) {
                const std::uint16_t* tile_origin = origin + (p - p0) * pixel;
                _tile_zero(4);
                _tile_zero(5);
                _tile_zero(6);
                _tile_zero(7);
                for (int t = 0; t < a.tap_count; ++t) {
                    const std::uint16_t* at = tile_origin + a.taps[t];
                    const std::uint16_t* wt = block_w + static_cast<i64>(t) * k * kBlock;
                    for (int c = 0; c < k; c += kDepth) {
                        _tile_loadd(0, at + c, a_stride);
                        _tile_loadd(1, at + 16 * pixel + c, a_stride);
                        const std::uint16_t* w = wt + static_cast<i64>(c) * kBlock;
                        _tile_loadd(2, w, kBlock * 4);
                        _tile_loadd(3, w + 32, kBlock * 4);
                        _tile_dpbf16ps(4, 0, 2);
                        _tile_dpbf16ps(5, 0, 3);
                        _tile_dpbf16ps(6, 1, 2);
                        _tile_dpbf16ps(7, 1, 3);
                    }
                }
                _tile_stored(4, sums, kBlock * 4);
                _tile_stored(5, sums + 16, kBlock * 4);
                _tile_stored(6, sums + 16 * kBlock, kBlock * 4);
                _tile_stored(7, sums + 16 * kBlock + 16, kBlock * 4);
                const i64 last = std::min<i64>(kTilePixels, p1 - p);
                for (i64 r = 0; r < last; ++r) {
                    const i64 q = p + r, x = q % pitch;
                    if (x < a.width)
                        finish_pixel(a, sums + r * kBlock, n, q / pitch, x, b * kBlock);
                }
            }
        }
        if (a.stream_out)
            _mm_sfence();
        _tile_release();
    }
}

}  // namespace bgv::runtime::kernels
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
