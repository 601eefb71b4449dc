// runtime/upsampled_conv: a 3×3 convolution (padding 1) of a nearest-neighbour 2× upsampled
// input, computed without upsampling: each of the four output phases (row parity a, column
// parity b) is a 2×2 convolution of the low-resolution input (16 instead of 36 multiply-adds per
// output value) whose results the kernel writes straight to their interleaved places, with the
// bias, batch norm and ReLU applied on the way.
#pragma once

#include <array>
#include <span>
#include <string>

#include "runtime/conv_kernel.h"
#include "runtime/engine.h"
#include "runtime/feature_map.h"
#include "runtime/fused_conv.h"

namespace bgv::runtime {

class UpsampledConv3x3 {
  public:
    // weights: (out, in, 3, 3) as PyTorch stores them; bias: out values (or empty). isa as for
    // FusedConv.
    UpsampledConv3x3(std::span<const float> weights, std::span<const float> bias, int out_channels,
                     int in_channels, DataType compute, CpuIsa isa = cpu_isa());

    // in (N, H, W, in) of the compute type with a border of at least 1 → out (N, 2H, 2W, out),
    // already shaped by the caller. The epilogue's residual is not supported.
    void run(Engine& engine, const FeatureMap& in, FeatureMap& out,
             const ConvEpilogueOps& epilogue);

  private:
    std::array<PackedConvWeights, 4> phases_;  // phase 2a + b: 4 taps (r, s) of [in][out]
    std::vector<float> bias_;
    bool reported_ = false;  // to the engine's list of implementations
};

}  // namespace bgv::runtime
