// runtime/conv2d: 2-D convolution (stride 1, square kernel, symmetric zero padding) on NHWC
// activations, with the elementwise work that follows it fused in (bias, residual add,
// per-(sample, channel) affine, activation). Weights are packed once; primitives per shape.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "runtime/activation.h"
#include "runtime/engine.h"
#include "runtime/tensor.h"

namespace bgv::runtime {

// Applied in this order after the convolution and its bias.
struct ConvEpilogue {
    bool accumulate = false;       // out = conv(in) + bias + out's previous contents
    const float* scale = nullptr;  // per (sample, channel), N×Cout: out = out·scale + shift
    const float* shift = nullptr;  // (both or neither)
    Activation activation = Activation::none;
};

class Conv2d {
  public:
    // weights: (out, in, kernel, kernel) in PyTorch's order; bias: out values, or empty for none.
    Conv2d(Engine& engine, std::span<const float> weights, std::span<const float> bias,
           int out_channels, int in_channels, int kernel, int padding);
    ~Conv2d();
    Conv2d(Conv2d&&) noexcept;
    Conv2d& operator=(Conv2d&&) noexcept;

    // in: (N, H, W, in_channels). out: resized to (N, H, W, out_channels) unless accumulating
    // (then it must have that shape already).
    void run(const Tensor& in, Tensor& out, const ConvEpilogue& epilogue = {});

    int out_channels() const;
    int in_channels() const;

    // With a per-(sample, channel) affine and N > 1, oneDNN 2.6 has no fast kernel for the
    // (N, C) binary post-op; the batch is then either convolved one sample at a time with the
    // affine fused (spatial size >= this many pixels) or convolved whole and the affine applied
    // in a separate pass. Default 256 (16×16); measured in bench_biggan.
    static void set_per_sample_min_pixels(std::int64_t pixels);

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace bgv::runtime
