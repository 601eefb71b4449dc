// runtime/narrow_conv: a 3×3 convolution (padding 1) with very few output channels (1 to 4, e.g.
// BigGAN's conv_to_rgb cut to RGB), where oneDNN pads the outputs to a full vector and wastes
// ~5× the work: here one pass over the NHWC input, vectorised over input channels (several
// pixels a step, each weight load serving them all), writing NCHW output directly.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "runtime/cpu_isa.h"
#include "runtime/engine.h"
#include "runtime/feature_map.h"

namespace bgv::runtime {

class NarrowConv3x3 {
  public:
    // weights: (out, in, 3, 3) as PyTorch stores them; bias: out values or empty. out ≤ 4.
    // isa: the kernels to run on, at most cpu_isa() (a lower one for tests of every path).
    NarrowConv3x3(std::span<const float> weights, std::span<const float> bias, int out_channels,
                  int in_channels, CpuIsa isa = cpu_isa());

    // in (N, H, W, in), float32, border-free → out: N·out·H·W values, NCHW, conv + bias (no
    // activation).
    void run(Engine& engine, const FeatureMap& in, std::span<float> out);

    int out_channels() const { return out_channels_; }
    // "bgv:avx512 narrow" and the like: the instruction set it runs on.
    std::string implementation() const;

  private:
    int out_channels_, in_channels_;
    CpuIsa isa_;
    std::vector<float> weights_;  // (ky, kx, 4, in): four output rows per tap, zero beyond out
    float bias_[4] = {0, 0, 0, 0};
    bool reported_ = false;  // to the engine's list of implementations
};

}  // namespace bgv::runtime
