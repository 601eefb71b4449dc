// runtime/elementwise: the memory-bound passes the networks need between the heavy primitives
// (pooling, layer norm, pointwise maps), as multi-threaded loops over row-major / NHWC data.
#pragma once

#include <cstdint>
#include <span>

#include "runtime/activation.h"
#include "runtime/feature_map.h"

namespace bgv::runtime {

// (N, H, W, C) → (N, H/2, W/2, C): max over each 2×2 window (H, W even), float32 or bfloat16,
// border-free.
void maxpool2x2(const FeatureMap& in, FeatureMap& out);

// x = (x - mean) / sqrt(var + eps) · gamma + beta per row (biased variance, as PyTorch).
void layer_norm_rows(float* x, std::int64_t rows, std::int64_t cols, const float* gamma,
                     const float* beta, float eps);

// out = in·scale + shift per (sample, channel) (scale and shift N×C), then ReLU if asked;
// float32, border-free, out shaped like in (out may be in).
void channel_affine(const FeatureMap& in, FeatureMap& out, const float* scale, const float* shift,
                    bool relu);
// out (N, 2H, 2W, channels) = the first `channels` of in (N, H, W, C), nearest-neighbour 2×
// upsampled when `upsample`, else copied; float32, border-free, out shaped by the caller.
void skip_channels(const FeatureMap& in, FeatureMap& out, bool upsample);

void apply_activation(std::span<float> x, Activation activation);
// out[i] = a[i] + b[i] (out may alias a or b).
void add(std::span<const float> a, std::span<const float> b, std::span<float> out);

}  // namespace bgv::runtime
