// model/biggan/generator_block: one residual block of the BigGAN-deep generator as four fused
// convolutions: bn_0 + ReLU feed conv_0 (1×1) as its prologue; bn_1..bn_3 + ReLU, and the
// nearest 2× upsampling, ride in the epilogues and tap patterns; the skip connection (channels
// dropped, upsampled) is added in conv_3's epilogue. No activation makes a separate trip through
// memory.
#pragma once

#include <optional>
#include <string>

#include "checkpoint/checkpoint.h"
#include "model/biggan/batch_norms.h"
#include "model/biggan/config.h"
#include "runtime/convolution.h"
#include "runtime/engine.h"
#include "runtime/feature_map.h"
#include "runtime/upsampled_conv.h"

namespace bgv::biggan {

// The work buffers of a block, shared by all blocks (their capacity only grows).
struct BlockBuffers {
    // The compute type; h1 and h2 with a border of zeros where a runtime 3×3 kernel reads them.
    runtime::FeatureMap h1, h2, h3;
};

// The generator's last batch norm (per channel, unconditional) and ReLU, fused into the last
// block's conv_3 after the residual add.
struct FinalNorm {
    const float* scale = nullptr;
    const float* shift = nullptr;
};

class GeneratorBlock {
  public:
    // prefix: "generator.layers.K."; the block's four batch norms are added to `norms`.
    // input_size: the height and width of its input on the published 4×4 first grid, from
    // which each convolution picks its kernel (runtime/convolution.h).
    GeneratorBlock(const checkpoint::StateDict& weights, const std::string& prefix,
                   const LayerSpec& spec, const Config& config, ConditionalBatchNorms& norms,
                   runtime::DataType compute, int input_size);

    // x: (N, H, W, in) float32 → (N, H', W', out), replacing x (in place, or by swapping with
    // `spare`). first_sample: x's first sample within the batch `norms` were computed for.
    void run(runtime::Engine& engine, runtime::FeatureMap& x, runtime::FeatureMap& spare,
             BlockBuffers& buffers, const ConditionalBatchNorms& norms, int first_sample,
             const FinalNorm* final_norm);

    const LayerSpec& spec() const { return spec_; }

  private:
    LayerSpec spec_;
    int in_ = 0, mid_ = 0, out_ = 0;
    int bn_[4] = {};  // indices in ConditionalBatchNorms
    std::optional<runtime::Convolution> conv_0_, conv_1_, conv_2_, conv_3_;
    std::optional<runtime::UpsampledConv3x3> up_conv_1_;  // conv_1 of the upsampled input
    runtime::DataType compute_;
};

}  // namespace bgv::biggan
