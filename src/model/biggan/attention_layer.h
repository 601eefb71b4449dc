// model/biggan/attention_layer: the generator's self-attention layer (SAGAN's, as BigGAN-deep
// uses it): theta, phi and g projections as one 1×1 convolution, phi and g max-pooled 2×2,
// softmax(thetaᵀ·phi) applied to g, 512 query rows at a time, and γ·o_conv(...) added to the
// input in o_conv's epilogue.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checkpoint/checkpoint.h"
#include "runtime/convolution.h"
#include "runtime/engine.h"
#include "runtime/feature_map.h"

namespace bgv::biggan {

class AttentionLayer {
  public:
    // prefix: "generator.layers.K."; channels divisible by 8. compute: the projections' and
    // the two attention products' input type (the scores and their softmax are float32).
    // input_size: the input's height and width on the 4×4 first grid (for the projections'
    // choice of kernel, runtime/convolution.h).
    AttentionLayer(const checkpoint::StateDict& weights, const std::string& prefix, int channels,
                   runtime::DataType compute, int input_size);

    // x (N, H, W, channels), float32, border-free, H·W divisible by 4: x += γ·attention(x).
    void run(runtime::Engine& engine, runtime::FeatureMap& x);

  private:
    int channels_;
    runtime::DataType compute_;
    std::optional<runtime::Convolution> project_;  // theta | phi | g: channels → 3·channels/4
    std::optional<runtime::Convolution> output_;   // γ·o_conv: channels/2 → channels
    runtime::FeatureMap projected_, pooled_, attended_;
    std::vector<float> scores_;
    std::vector<std::uint16_t> probabilities_;  // bfloat16, when the compute type is
};

}  // namespace bgv::biggan
