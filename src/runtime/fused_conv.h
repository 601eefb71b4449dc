// runtime/fused_conv: a 1×1 or 3×3 (padding 1) convolution on FeatureMaps, stride 1, with the
// batch norm and ReLU that feed it (prologue) and the bias, residual add, batch norm and ReLU
// that follow it (epilogue) done in the same pass over memory, on the runtime's own
// register-tiled kernels (runtime/conv_kernel.h), in float32 or bfloat16.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "runtime/conv_kernel.h"
#include "runtime/engine.h"
#include "runtime/feature_map.h"

namespace bgv::runtime {

// Applied to the (float32, border-free) input of a 1×1 convolution before it is multiplied:
// in' = relu(in·scale[n, c] + shift[n, c]) (scale/shift N×in, or null for none).
struct ConvPrologue {
    const float* scale = nullptr;
    const float* shift = nullptr;
    bool relu = false;
};

// Applied in this order after the convolution and its bias.
struct ConvEpilogueOps {
    // out += residual's first out-channels (float32, border-free; the same height and width, or
    // half of each when upsampled: nearest-neighbour 2×). May be `out` itself (in place).
    const FeatureMap* residual = nullptr;
    bool residual_upsampled = false;
    // out = out·scale + shift per (sample, channel): N×out, or per channel only when
    // per_sample is false.
    const float* scale = nullptr;
    const float* shift = nullptr;
    bool per_sample = true;
    bool relu = false;
};

class FusedConv {
  public:
    // weights: (out, in, kernel, kernel) as PyTorch stores them; bias: out values or empty.
    // kernel 1 or 3. compute: bf16 needs supports_bf16(isa) and an even input count. isa: the
    // kernels to run on, at most cpu_isa() (a lower one for tests of every path).
    FusedConv(std::span<const float> weights, std::span<const float> bias, int out_channels,
              int in_channels, int kernel, DataType compute, CpuIsa isa = cpu_isa());

    // in: (N, H, W, in) — a 3×3 needs a border of at least 1; of the compute type unless a
    // prologue is given (which needs float32). out: (N, H, W, out) already shaped by the caller
    // (any border, float32 or bfloat16).
    void run(Engine& engine, const FeatureMap& in, FeatureMap& out,
             const ConvEpilogueOps& epilogue = {}, const ConvPrologue* prologue = nullptr);

    int out_channels() const { return weights_.out_channels; }
    int in_channels() const { return weights_.in_channels; }
    DataType compute_type() const { return weights_.type; }

  private:
    int kernel_;
    PackedConvWeights weights_;
    std::vector<float> bias_;
    bool reported_ = false;  // to the engine's list of implementations
};

// The epilogue's arguments for a destination and residual (shared with UpsampledConv3x3).
void set_conv_epilogue(ConvKernelArgs& args, FeatureMap& out, const ConvEpilogueOps& epilogue,
                       const float* bias);

}  // namespace bgv::runtime
