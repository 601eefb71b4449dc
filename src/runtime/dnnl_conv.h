// runtime/dnnl_conv: a float32 convolution (stride 1, square kernel, zero padding) by oneDNN's
// jit kernels: on NHWC FeatureMaps (brgconv on AVX-512 and AVX2) with its post-ops for the
// epilogue (residual sum in place, per-channel batch norm, ReLU), the alternative to the
// runtime's own kernels where oneDNN's blocking is faster (runtime/convolution.h says where); or
// by Winograd's algorithm on oneDNN's 16-channel blocks (runtime/winograd_conv.h adapts it).
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

// direct: the sums as written, on NHWC maps (run). winograd: a 3×3 with padding 1 by Winograd's
// minimal filtering (oneDNN's jit_wino_4x3 or jit_fp32_wino_2x3, AVX-512 only: 2.25-4× fewer
// multiplications, float32 sums in another order, ~1e-6 relative error), on maps blocked as
// oneDNN's nChw16c (run_blocked); where oneDNN has no Winograd kernel for the shape, the direct
// one on the same blocks.
enum class DnnlConvAlgorithm { direct, winograd };

class DnnlConv {
  public:
    // weights: (out, in, kernel, kernel) as PyTorch stores them; bias: out values or empty.
    // padding < 0: kernel / 2 (the output as large as the input for odd kernels).
    DnnlConv(std::span<const float> weights, std::span<const float> bias, int out_channels,
             int in_channels, int kernel, int padding = -1,
             DnnlConvAlgorithm algorithm = DnnlConvAlgorithm::direct);
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

    // The winograd algorithm's call: src (n, in/16, h, w, 16) and dst (n, out/16, h', w', 16),
    // channel counts multiples of 16, bias only (no post-ops).
    void run_blocked(Engine& engine, const float* src, float* dst, std::int64_t n, std::int64_t h,
                     std::int64_t w);

    int out_channels() const;
    int in_channels() const;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace bgv::runtime
