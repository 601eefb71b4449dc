// runtime/upsampled_conv: a 3×3 convolution (padding 1) of a nearest-neighbour 2× upsampled
// input, computed without upsampling: each of the four output phases (row parity a, column
// parity b) is a 2×2 convolution of the low-resolution input (16 instead of 36 multiply-adds per
// output value) whose results the kernel writes straight to their interleaved places, with the
// bias, batch norm and ReLU applied on the way. Or, where oneDNN's blocking is faster (float32,
// small inputs over many channels: runtime/convolution.h), the four phases as one oneDNN 2×2
// convolution of 4·out channels, interleaved by a pass of its own that applies the batch norm and
// ReLU.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "runtime/conv_kernel.h"
#include "runtime/convolution.h"
#include "runtime/dnnl_conv.h"
#include "runtime/engine.h"
#include "runtime/feature_map.h"
#include "runtime/fused_conv.h"

namespace bgv::runtime {

class UpsampledConv3x3 {
  public:
    // weights: (out, in, 3, 3) as PyTorch stores them; bias: out values (or empty). isa as for
    // FusedConv. input_pixels: H·W of the input at the size it is built for (the kernel's
    // choice).
    UpsampledConv3x3(std::span<const float> weights, std::span<const float> bias, int out_channels,
                     int in_channels, std::int64_t input_pixels, DataType compute,
                     CpuIsa isa = cpu_isa());
    // On the given kernel, whatever the rule says (tests and benchmarks); oneDNN needs float32.
    UpsampledConv3x3(std::span<const float> weights, std::span<const float> bias, int out_channels,
                     int in_channels, ConvKernelSource source, DataType compute,
                     CpuIsa isa = cpu_isa());

    // The border of zeros the input should come with: 1 for the runtime's kernel, 0 for oneDNN.
    int input_border() const { return dnnl_ ? 0 : 1; }

    // in (N, H, W, in) of the compute type with at least input_border() → out (N, 2H, 2W, out),
    // already shaped by the caller. The epilogue's residual is not supported.
    void run(Engine& engine, const FeatureMap& in, FeatureMap& out,
             const ConvEpilogueOps& epilogue);

  private:
    std::array<PackedConvWeights, 4> phases_;  // phase 2a + b: 4 taps (r, s) of [in][out]
    std::vector<float> bias_;
    std::optional<DnnlConv> dnnl_;  // phase 2a + b at output channels (2a + b)·out..
    FeatureMap phase_maps_;         // its (N, H + 1, W + 1, 4·out) output
    bool reported_ = false;         // to the engine's list of implementations
};

}  // namespace bgv::runtime
