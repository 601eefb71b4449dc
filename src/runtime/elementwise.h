// runtime/elementwise: the memory-bound passes the networks need between the heavy primitives
// (affine + activation, upsampling, pooling, softmax, layer norm, pointwise maps), as
// multi-threaded loops over row-major / NHWC float32 data.
#pragma once

#include <cstdint>
#include <span>

#include "runtime/activation.h"
#include "runtime/tensor.h"

namespace bgv::runtime {

// x (N, ..., C) in place: x = act(x·scale[n, c] + shift[n, c]), scale/shift N×C.
void channel_affine(Tensor& x, const float* scale, const float* shift, Activation activation);
// out = act(in·scale[n, c] + shift[n, c]) for in (N, ..., C); out resized like in.
void channel_affine(const Tensor& in, Tensor& out, const float* scale, const float* shift,
                    Activation activation);

// NHWC (N, H, W, C) → (N, 2H, 2W, channels): nearest neighbour, keeping the first `channels`
// channels (0 = all).
void upsample_nearest2x(const Tensor& in, Tensor& out, std::int64_t channels = 0);
// NHWC (N, H, W, C) → (N, H, W, channels): the first `channels` channels.
void copy_channels(const Tensor& in, Tensor& out, std::int64_t channels);
// NHWC (N, H, W, C) → (N, H/2, W/2, C): max over each 2×2 window (H, W even).
void maxpool2x2(const Tensor& in, Tensor& out);
// NHWC (N, H, W, C) → NCHW (N, C, H, W) into a plain buffer of N·C·H·W values.
void nhwc_to_nchw(const Tensor& in, std::span<float> out);

// Row-wise, in place, on a (rows, cols) matrix with row stride ld (0 = cols).
void softmax_rows(float* x, std::int64_t rows, std::int64_t cols, std::int64_t ld = 0);
// x = (x - mean) / sqrt(var + eps) · gamma + beta per row (biased variance, as PyTorch).
void layer_norm_rows(float* x, std::int64_t rows, std::int64_t cols, const float* gamma,
                     const float* beta, float eps);

void apply_activation(std::span<float> x, Activation activation);
// out[i] = a[i] + b[i] (out may alias a or b).
void add(std::span<const float> a, std::span<const float> b, std::span<float> out);

}  // namespace bgv::runtime
