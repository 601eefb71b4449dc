// runtime/upsampled_conv: a 3×3 convolution (padding 1) of a nearest-neighbour 2× upsampled
// input, computed without upsampling: each of the four output phases is a 2×2 convolution of the
// low-resolution input (16 instead of 36 multiply-adds per output value), run as one 2×2
// convolution with 4·out channels, then interleaved with the per-(sample, channel) affine and
// activation applied in the same pass.
#pragma once

#include <span>

#include "runtime/activation.h"
#include "runtime/conv2d.h"
#include "runtime/engine.h"
#include "runtime/tensor.h"

namespace bgv::runtime {

class UpsampledConv3x3 {
  public:
    // weights: (out, in, 3, 3) as PyTorch stores them; bias: out values (or empty).
    UpsampledConv3x3(Engine& engine, std::span<const float> weights, std::span<const float> bias,
                     int out_channels, int in_channels);

    // in (N, H, W, in) → out (N, 2H, 2W, out) = act(conv3x3(upsample2x(in)) · scale + shift),
    // scale/shift per (sample, channel), N×out, or null for none.
    void run(const Tensor& in, Tensor& out, const float* scale, const float* shift,
             Activation activation);

  private:
    int out_channels_;
    Conv2d phases_;  // 2×2 kernel, padding 1, 4·out channels: phase (a, b) at (2a + b)·out
    Tensor phase_out_;
};

}  // namespace bgv::runtime
