// runtime/dnnl_conv: a float32 convolution (stride 1, square kernel, zero padding) on FeatureMaps
// by oneDNN's jit kernels (brgconv on AVX-512 and AVX2), with its post-ops for the epilogue
// (residual sum in place, per-channel batch norm, ReLU): the alternative to the runtime's own
// kernels where oneDNN's blocking is faster (runtime/convolution.h says where).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <tuple>

#include "runtime/engine.h"
#include "runtime/feature_map.h"
#include "runtime/fused_conv.h"

namespace bgv::runtime {

class DnnlConv {
  public:
    // weights: (out, in, kernel, kernel) as PyTorch stores them; bias: out values or empty.
    // padding < 0: kernel / 2 (the output as large as the input for odd kernels).
    DnnlConv(std::span<const float> weights, std::span<const float> bias, int out_channels,
             int in_channels, int kernel, int padding = -1);
    ~DnnlConv();
    DnnlConv(DnnlConv&&) noexcept;
    DnnlConv& operator=(DnnlConv&&) noexcept;

    // in: float32 (N, H, W, in) with no border (the convolution pads) or a border as wide as the
    // padding (its zeros are the padding). out: float32 (N, H', W', out) without a border,
    // H' = H + 2·padding − kernel + 1, shaped by the caller. The epilogue's residual, if any, must
    // be `out` itself (a sum in place, not upsampled). A per-sample affine with N > 1 runs sample
    // by sample at 16×16 and more, and as a pass of its own after the whole batch below (oneDNN 2.6
    // has no jit kernel for a per-sample binary post-op).
    void run(Engine& engine, const FeatureMap& in, FeatureMap& out,
             const ConvEpilogueOps& epilogue = {});

    int out_channels() const;
    int in_channels() const;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace bgv::runtime
