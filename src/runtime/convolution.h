// runtime/convolution: one convolution layer of a network (1×1 or 3×3, stride 1, padding 1 for a
// 3×3) with the batch norms, ReLU and skip add around it, on whichever kernel runs its shape
// faster: the runtime's own fused kernel (FusedConv: everything in one pass), oneDNN's jit
// convolution (DnnlConv: post-ops, plus a pass of its own for what they cannot do) or oneDNN's
// Winograd convolution (WinogradConv: a pass into its blocks, one back with the epilogue). The
// choice is made once, from the layer's shape, so a layer always computes the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "runtime/cpu_isa.h"
#include "runtime/dnnl_conv.h"
#include "runtime/engine.h"
#include "runtime/feature_map.h"
#include "runtime/fused_conv.h"
#include "runtime/winograd_conv.h"

namespace bgv::runtime {

// What the layer does besides convolving, and the size it mostly runs at: what the choice
// depends on.
struct ConvRole {
    int kernel = 1;
    bool upsampled = false;  // a 3×3 of the input upsampled 2× (runtime/upsampled_conv.h)
    bool prologue = false;   // a batch norm + ReLU of its input (1×1 only)
    // The residual is another map than the output (upsampled, or with more channels): oneDNN
    // needs it copied into the output first.
    bool residual_pass = false;
    // Height × width of its output (of its input when upsampled) at the size it is built for.
    std::int64_t pixels = 0;
};

enum class ConvKernelSource { own, dnnl, winograd };

// The rule, measured with bench_conv_layers on AVX-512 (bench/README.md): float32 3×3
// convolutions of 64 channels and more from 8×8 on, on AVX-512, by Winograd (1.4-2.4× faster
// than brgconv, its two passes included; over 32 channels 1.1×, not measurable in a whole frame,
// for two more large blocks in memory; oneDNN 2.6 has it for AVX-512 only); the other float32
// 3×3 convolutions and 1×1 ones over many channels on oneDNN's brgconv (its blocking keeps the
// sums in registers across all taps and channels: 15-45 % more GFLOP per second there); 1×1
// ones whose fused prologue or skip saves a pass over a large map (few channels, many pixels)
// and all bfloat16 ones on the runtime's kernels (AMX, vdpbf16ps). On CPUs below AVX2, the
// runtime's portable kernels.
ConvKernelSource choose_conv_kernel(const ConvRole& role, int in_channels, int out_channels,
                                    DataType compute, CpuIsa isa);

class Convolution {
  public:
    // weights: (out, in, k, k) as PyTorch stores them; bias: out values or empty. isa: at most
    // cpu_isa(), as for FusedConv.
    Convolution(std::span<const float> weights, std::span<const float> bias, int out_channels,
                int in_channels, const ConvRole& role, DataType compute, CpuIsa isa = cpu_isa());
    // On the given kernel, whatever the rule says (tests and benchmarks of both); oneDNN needs
    // float32.
    Convolution(std::span<const float> weights, std::span<const float> bias, int out_channels,
                int in_channels, int kernel, ConvKernelSource source, DataType compute,
                CpuIsa isa = cpu_isa());

    // The border of zeros the input should come with: 1 for the runtime's 3×3 kernel, which
    // reads its padding from memory; 0 otherwise.
    int input_border() const;

    // in: (N, H, W, in) with at least input_border() (a prologue needs float32 input without a
    // border); out: (N, H, W, out) shaped by the caller, any border. As FusedConv::run.
    void run(Engine& engine, const FeatureMap& in, FeatureMap& out,
             const ConvEpilogueOps& epilogue = {}, const ConvPrologue* prologue = nullptr);

    ConvKernelSource source() const {
        return own_ ? ConvKernelSource::own
                    : (winograd_ ? ConvKernelSource::winograd : ConvKernelSource::dnnl);
    }
    DataType compute_type() const;

  private:
    int kernel_ = 1;
    std::optional<FusedConv> own_;
    std::optional<DnnlConv> dnnl_;
    std::optional<WinogradConv> winograd_;
    FeatureMap input_, output_;  // oneDNN's prologue pass and border-free output, when needed
};

}  // namespace bgv::runtime
