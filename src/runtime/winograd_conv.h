// runtime/winograd_conv: a float32 3×3 convolution (padding 1) on the runtime's NHWC maps by
// oneDNN's Winograd kernels (runtime/dnnl_conv.h, DnnlConvAlgorithm::winograd), which read and
// write 16-channel blocks: one pass copies the input into blocks, and the pass that copies the
// output back does the epilogue (residual, per-channel or per-sample batch norm, ReLU) on the
// way, so the batch norm costs no pass of its own. The blocks live in the engine, shared by all
// layers. AVX-512 only; channel counts multiples of 16.
#pragma once

#include <cstdint>
#include <span>

#include "runtime/cpu_isa.h"
#include "runtime/dnnl_conv.h"
#include "runtime/engine.h"
#include "runtime/feature_map.h"
#include "runtime/fused_conv.h"

namespace bgv::runtime {

class WinogradConv {
  public:
    // weights: (out, in, 3, 3) as PyTorch stores them; bias: out values or empty.
    WinogradConv(std::span<const float> weights, std::span<const float> bias, int out_channels,
                 int in_channels);

    // in: float32 (N, H, W, in), any border; out: float32 (N, H, W, out) shaped by the caller,
    // any border. The epilogue's residual: float32, border-free, H × W (or half of each when
    // upsampled), at least out channels; it may be `out` itself.
    void run(Engine& engine, const FeatureMap& in, FeatureMap& out,
             const ConvEpilogueOps& epilogue = {});

    // Whether it runs on `isa` for these channel counts: oneDNN 2.6 has Winograd kernels for
    // AVX-512 only, and its blocks hold 16 channels.
    static bool runs(int out_channels, int in_channels, CpuIsa isa);

    int out_channels() const { return conv_.out_channels(); }
    int in_channels() const { return conv_.in_channels(); }

  private:
    DnnlConv conv_;
};

}  // namespace bgv::runtime
