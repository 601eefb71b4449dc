// runtime/conv_tile: the body of the convolution kernel (conv_kernel.h), written once over an
// instruction set's vector operations and included by one translation unit per instruction set,
// each compiled for its own target (an instantiation's Traits type lives in that unit's
// anonymous namespace, so the units never share a compiled function).
//
// Traits provide: lanes; V; zero, load, load_partial, store, store_partial, stream (past the
// caches), broadcast, fma (a·b + c), add, max0, store_bf16, store_bf16_partial, stream_bf16,
// fence; and, where bfloat16 arithmetic exists, W, load_pairs, broadcast_pair and dot_bf16
// (acc + a₀·b₀ + a₁·b₁ per lane).
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/assert.h"
#include "runtime/conv_kernel.h"

namespace bgv::runtime::conv_tile {

using i64 = std::int64_t;

// A block's weights up to this size are used whole for each tile (they stay in a 48 KB L1 data
// cache); larger ones go a tap and kChunkBytes of it at a time, swept over a piece of the row.
constexpr i64 kWholeBytes = 32 << 10;
constexpr i64 kChunkBytes = 16 << 10;

// Multiply-adds of one register tile: R pixels × J vectors of output channels, over every tap
// and k input channels. Weights: [tap][in][J·lanes] float32, taps w_tap apart.
template <class T, int R, int J>
inline __attribute__((always_inline)) void accumulate(const float* origin, i64 in_pixel,
                                                      const i64* taps, int tap_count, int k,
                                                      const float* weights, i64 w_tap,
                                                      typename T::V (&acc)[R][J]) {
    for (int t = 0; t < tap_count; ++t) {
        const float* a = origin + taps[t];
        const float* w = weights + t * w_tap;
        // The next tile's input lines, while this one computes: with many channels a tile
        // reads a few lines from each of pixels far apart, which the hardware prefetchers miss.
        for (int r = 0; r < R; ++r)
            for (int c = 0; c < k; c += 16)
                __builtin_prefetch(a + (R + r) * in_pixel + c);
        for (int c = 0; c < k; ++c) {
            typename T::V wv[J];
            for (int j = 0; j < J; ++j)
                wv[j] = T::load(w + j * T::lanes);
            w += J * T::lanes;
            for (int r = 0; r < R; ++r) {
                const typename T::V av = T::broadcast(a[r * in_pixel + c]);
                for (int j = 0; j < J; ++j)
                    acc[r][j] = T::fma(av, wv[j], acc[r][j]);
            }
        }
    }
}

// The same with bfloat16 inputs and weights: [tap][in / 2][J·lanes][2]; pairs of input channels
// per dot-product instruction, float32 accumulation.
template <class T, int R, int J>
inline __attribute__((always_inline)) void accumulate(const std::uint16_t* origin, i64 in_pixel,
                                                      const i64* taps, int tap_count, int k,
                                                      const std::uint16_t* weights, i64 w_tap,
                                                      typename T::V (&acc)[R][J]) {
    for (int t = 0; t < tap_count; ++t) {
        const std::uint16_t* a = origin + taps[t];
        const std::uint16_t* w = weights + t * w_tap;
        for (int c = 0; c < k; c += 2) {
            typename T::W wv[J];
            for (int j = 0; j < J; ++j)
                wv[j] = T::load_pairs(w + j * 2 * T::lanes);
            w += J * 2 * T::lanes;
            for (int r = 0; r < R; ++r) {
                const typename T::W av = T::broadcast_pair(a + r * in_pixel + c);
                for (int j = 0; j < J; ++j)
                    acc[r][j] = T::dot_bf16(acc[r][j], av, wv[j]);
            }
        }
    }
}

// Bias, residual, affine, ReLU and the store of one register tile at output pixels
// (n, y, x .. x + R - 1), output channels o0 .. o0 + J·lanes - 1.
template <class T, int R, int J>
inline __attribute__((always_inline)) void finish(const ConvKernelArgs& a,
                                                  typename T::V (&acc)[R][J], i64 n, i64 y, i64 x,
                                                  int o0) {
    using V = typename T::V;
    const int outs = a.weights->out_channels;
    for (int j = 0; j < J; ++j) {
        const int o = o0 + j * T::lanes;
        const int count = std::min(T::lanes, outs - o);
        if (count <= 0)
            break;
        const bool full = count == T::lanes;
        const auto get = [&](const float* p) {
            return full ? T::load(p) : T::load_partial(p, count);
        };
        const V bias = a.bias != nullptr ? get(a.bias + o) : T::zero();
        V scale = T::zero(), shift = T::zero();
        if (a.scale != nullptr) {
            scale = get(a.scale + n * a.affine_sample_stride + o);
            shift = get(a.shift + n * a.affine_sample_stride + o);
        }
        for (int r = 0; r < R; ++r) {
            V v = T::add(acc[r][j], bias);
            if (a.residual != nullptr)
                v = T::add(v, get(a.residual + n * a.residual_sample +
                                  (y >> a.residual_upsample) * a.residual_row +
                                  ((x + r) >> a.residual_upsample) * a.residual_pixel + o));
            if (a.scale != nullptr)
                v = T::fma(v, scale, shift);
            if (a.relu)
                v = T::max0(v);
            const i64 at = n * a.out_sample + y * a.out_row + (x + r) * a.out_pixel + o;
            if (a.out_type == DataType::f32) {
                float* p = static_cast<float*>(a.out) + at;
                if (!full)
                    T::store_partial(p, v, count);
                else if (a.stream_out)
                    T::stream(p, v);
                else
                    T::store(p, v);
            } else {
                std::uint16_t* p = static_cast<std::uint16_t*>(a.out) + at;
                if (!full)
                    T::store_bf16_partial(p, v, count);
                else if (a.stream_out)
                    T::stream_bf16(p, v);
                else
                    T::store_bf16(p, v);
            }
        }
    }
}

// A piece of the sum over taps and input channels, and where a tile's sums wait between pieces
// (`partial`: R × J vectors).
struct Chunk {
    const i64* taps = nullptr;
    int tap_count = 0;
    int channels = 0;  // of this chunk
    i64 w_tap = 0;     // weight elements from one tap to the next
    float* partial = nullptr;
    bool first = true, last = true;
};

template <class T, class E, int R, int J>
inline void tile(const ConvKernelArgs& a, const E* origin, i64 in_pixel, const E* w,
                 const Chunk& chunk, i64 n, i64 y, i64 x, int o0) {
    typename T::V acc[R][J];
    for (int r = 0; r < R; ++r)
        for (int j = 0; j < J; ++j)
            acc[r][j] = chunk.first ? T::zero() : T::load(chunk.partial + (r * J + j) * T::lanes);
    if (chunk.last && a.residual != nullptr) {
        // The residual a few tiles ahead, while this tile computes: it comes from memory (a
        // whole activation), one line per 16 channels of each pixel.
        constexpr int kAhead = 4;
        for (int r = 0; r < R; ++r) {
            const float* p = a.residual + n * a.residual_sample +
                             (y >> a.residual_upsample) * a.residual_row +
                             ((x + kAhead * R + r) >> a.residual_upsample) * a.residual_pixel + o0;
            for (int j = 0; j < J * T::lanes; j += 16)
                __builtin_prefetch(p + j);
        }
    }
    accumulate<T, R, J>(origin, in_pixel, chunk.taps, chunk.tap_count, chunk.channels, w,
                        chunk.w_tap, acc);
    if (chunk.last) {
        finish<T, R, J>(a, acc, n, y, x, o0);
    } else {
        for (int r = 0; r < R; ++r)
            for (int j = 0; j < J; ++j)
                T::store(chunk.partial + (r * J + j) * T::lanes, acc[r][j]);
    }
}

// A row's last pixels, fewer than a full tile.
template <class T, class E, int R, int J>
inline void tail(int pixels, const ConvKernelArgs& a, const E* origin, i64 in_pixel, const E* w,
                 const Chunk& chunk, i64 n, i64 y, i64 x, int o0) {
    if constexpr (R > 1) {
        if (pixels == R - 1)
            return tile<T, E, R - 1, J>(a, origin, in_pixel, w, chunk, n, y, x, o0);
        return tail<T, E, R - 1, J>(pixels, a, origin, in_pixel, w, chunk, n, y, x, o0);
    } else {
        (void)pixels;
        (void)a;
        (void)origin;
        (void)in_pixel;
        (void)w;
        (void)chunk;
        (void)n;
        (void)y;
        (void)x;
        (void)o0;
    }
}

// relu(in·scale + shift) of pixels [x0, x1) of row (n, y), rounded to E, dense into `to`.
template <class T, class E>
void prologue_row(const ConvKernelArgs& a, i64 n, i64 y, i64 x0, i64 x1, E* to) {
    const int k = a.weights->in_channels;
    const float* scale = a.prologue_scale ? a.prologue_scale + n * k : nullptr;
    const float* shift = a.prologue_shift ? a.prologue_shift + n * k : nullptr;
    const float* in = static_cast<const float*>(a.in) + n * a.in_sample + y * a.in_row;
    for (i64 x = x0; x < x1; ++x) {
        const float* src = in + x * a.in_pixel;
        E* dst = to + (x - x0) * k;
        for (int c = 0; c < k; c += T::lanes) {
            const int count = std::min(T::lanes, k - c);
            const bool full = count == T::lanes;
            typename T::V v = full ? T::load(src + c) : T::load_partial(src + c, count);
            if (scale != nullptr)
                v = T::fma(v, full ? T::load(scale + c) : T::load_partial(scale + c, count),
                           full ? T::load(shift + c) : T::load_partial(shift + c, count));
            if (a.prologue_relu)
                v = T::max0(v);
            if constexpr (sizeof(E) == 4) {
                if (full)
                    T::store(dst + c, v);
                else
                    T::store_partial(dst + c, v, count);
            } else {
                if (full)
                    T::store_bf16(dst + c, v);
                else
                    T::store_bf16_partial(dst + c, v, count);
            }
        }
    }
}

// The whole convolution for one register-tile width: work items are (sample, row, piece of the
// row, group of output-channel blocks), shared statically among the OpenMP team. Within an
// item, when a block's weights outgrow L1, the sum goes a tap and a chunk of input channels at a
// time, each chunk swept over the piece's tiles with the sums kept in a partial buffer between
// chunks: the weights then come from L1 rather than L2 on every tile.
template <class T, class E, int R, int J>
void run(const ConvKernelArgs& a) {
    const PackedConvWeights& pw = *a.weights;
    const int k = pw.in_channels, block = J * T::lanes;
    const int blocks = (pw.out_channels + block - 1) / block;
    const i64 block_weights = static_cast<i64>(pw.taps) * k * block;
    const E* weights = static_cast<const E*>(pw.data());
    BGV_ASSERT(!a.prologue || (a.tap_count == 1 && a.taps[0] == 0),
               "conv kernel: a prologue needs a single centred tap");
    constexpr int step = sizeof(E) == 2 ? 2 : 1;  // channels per multiply (bf16: pairs)
    const bool whole = block_weights * static_cast<i64>(sizeof(E)) <= kWholeBytes;
    const i64 chunk_limit = kChunkBytes / (static_cast<i64>(block) * sizeof(E)) / step * step;
    const int chunk_channels = whole ? k : static_cast<int>(std::clamp<i64>(chunk_limit, step, k));
    const int channel_chunks = (k + chunk_channels - 1) / chunk_channels;
    const int chunks = whole ? 1 : pw.taps * channel_chunks;
    // Pieces: up to `target` output pixels of whole tiles along a row, or several whole rows
    // when a row is shorter, so that each chunk's weights serve many tiles. A prologue's piece
    // (float32 in, compute type out) stays within 64 KB.
    // Large blocks of weights (a 3×3 over 512 channels: 2.4 MB) get larger pieces, so that each
    // is fetched from beyond L2 fewer times; the partial sums then live in L2.
    const i64 block_bytes = block_weights * static_cast<i64>(sizeof(E));
    i64 target = R * (chunks > 1 ? std::clamp<i64>(block_bytes / (i64{64} << 10), 8, 64) : 16);
    if (a.prologue)
        target = std::min<i64>(target, (i64{64} << 10) / (static_cast<i64>(k) * sizeof(E)));
    target = std::max<i64>(target, std::min<i64>(R, a.width));
    const i64 piece = std::min(a.width, target / R * R > 0 ? target / R * R : target);
    const i64 rows_per_piece = std::clamp<i64>(target / a.width, 1, a.height);
    const i64 pieces = (a.width + piece - 1) / piece;
    const i64 row_groups = (a.height + rows_per_piece - 1) / rows_per_piece;
    // Block-major or pixel-major, all blocks per item (kPixelMajorMaxWeightBytes).
    const bool blocks_inner =
        block_weights * blocks * static_cast<i64>(sizeof(E)) <= kPixelMajorMaxWeightBytes;
    const i64 base_items = a.batch * row_groups * pieces;
    const i64 items = base_items * (blocks_inner ? 1 : blocks);
    const std::size_t piece_pixels = static_cast<std::size_t>(rows_per_piece * piece);
#pragma omp parallel
    {
        // Per thread, kept from call to call (OpenMP's threads persist): no allocation, and so no
        // unmapping, which costs every thread of the team a TLB shootdown.
        static thread_local std::vector<E> scratch;
        static thread_local std::vector<float> partial;
        if (a.prologue && scratch.size() < piece_pixels * k)
            scratch.resize(piece_pixels * k);
        if (chunks > 1 && partial.size() < piece_pixels * block)
            partial.resize(piece_pixels * block);
#pragma omp for schedule(static) nowait
        for (i64 item = 0; item < items; ++item) {
            const int first_block = blocks_inner ? 0 : static_cast<int>(item / base_items);
            const int last_block = blocks_inner ? blocks : first_block + 1;
            i64 rest = item % base_items;
            const i64 x0 = (rest % pieces) * piece, x1 = std::min(a.width, x0 + piece);
            rest /= pieces;
            const i64 y0 = (rest % row_groups) * rows_per_piece;
            const i64 y1 = std::min(a.height, y0 + rows_per_piece);
            const i64 n = rest / row_groups;
            const i64 width = x1 - x0;
            if (a.prologue)
                for (i64 y = y0; y < y1; ++y)
                    prologue_row<T, E>(a, n, y, x0, x1, scratch.data() + (y - y0) * width * k);
            const i64 in_pixel = a.prologue ? k : a.in_pixel;
            // Input of output pixel (y, x0): its tap origin.
            const auto row_origin = [&](i64 y) {
                return a.prologue ? scratch.data() + (y - y0) * width * k
                                  : static_cast<const E*>(a.in) + n * a.in_sample + y * a.in_row +
                                        x0 * a.in_pixel;
            };
            for (int b = first_block; b < last_block; ++b) {
                for (int ch = 0; ch < chunks; ++ch) {
                    const int tap = whole ? 0 : ch / channel_chunks;
                    const int c0 = whole ? 0 : ch % channel_chunks * chunk_channels;
                    Chunk chunk{a.taps + tap,
                                whole ? a.tap_count : 1,
                                std::min(chunk_channels, k - c0),
                                static_cast<i64>(k) * block,
                                nullptr,
                                ch == 0,
                                ch + 1 == chunks};
                    const E* w =
                        weights + b * block_weights + (static_cast<i64>(tap) * k + c0) * block;
                    for (i64 y = y0; y < y1; ++y) {
                        const E* at = row_origin(y) + c0;
                        float* sums = partial.data() + (y - y0) * width * block;
                        i64 x = x0;
                        for (; x + R <= x1; x += R) {
                            chunk.partial = sums + (x - x0) * block;
                            tile<T, E, R, J>(a, at + (x - x0) * in_pixel, in_pixel, w, chunk, n, y,
                                             x, b * block);
                        }
                        if (x < x1) {
                            chunk.partial = sums + (x - x0) * block;
                            tail<T, E, R, J>(static_cast<int>(x1 - x), a, at + (x - x0) * in_pixel,
                                             in_pixel, w, chunk, n, y, x, b * block);
                        }
                    }
                }
            }
        }
        if (a.stream_out)
            T::fence();  // the streamed stores reach memory before the team's closing barrier
    }
}

// Whether rows of `width` pixels go better in tiles of `narrow` than of `wide` pixels: short rows
// that `narrow` divides and `wide` does not (no ragged last tile in every row).
inline bool prefers(i64 width, int narrow, int wide) {
    return width <= 8 * wide && width % narrow == 0 && width % wide != 0;
}

// The AVX-512 tile shapes (32 registers): 3 pixels × 8 vectors, 6 × 4 (4 × 4 on rows of 4, 8,
// 16, ...), 12 × 2 (8 × 2), 16 × 1.
template <class T, class E>
void run_avx512_tiles(const ConvKernelArgs& a) {
    switch (a.weights->tiling.vectors) {
        case 8:
            return run<T, E, 3, 8>(a);
        case 4:
            if (prefers(a.width, 4, 6))
                return run<T, E, 4, 4>(a);
            return run<T, E, 6, 4>(a);
        case 2:
            if (prefers(a.width, 8, 12))
                return run<T, E, 8, 2>(a);
            return run<T, E, 12, 2>(a);
        default:
            return run<T, E, 16, 1>(a);
    }
}

}  // namespace bgv::runtime::conv_tile
