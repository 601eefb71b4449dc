// model/biggan/config: the BigGAN-deep generator's configuration (config.json as published, or
// inferred from a checkpoint's weight shapes) and the layer geometry derived from it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "checkpoint/checkpoint.h"

namespace bgv::biggan {

struct LayerSpec {
    bool up = false;
    int in_multiplier = 0;   // input channels = in_multiplier × channel_width
    int out_multiplier = 0;  // output channels = out_multiplier × channel_width
};

struct Config {
    int z_dim = 128;
    int class_embed_dim = 128;
    int channel_width = 128;
    int num_classes = 1000;
    double eps = 1e-4;
    int n_stats = 51;
    int attention_layer_position = 8;
    int output_dim = 128;
    std::vector<LayerSpec> layers;

    static Config from_json(const std::filesystem::path& path);
    static Config from_json_text(const std::string& text);
    // From the shapes of a state dict. What shapes cannot tell: `eps` (the published 1e-4 is
    // used) and each block's upsample flag (the published alternation F, T, F, T, ... is assumed:
    // odd-numbered blocks upsample).
    static Config infer(const checkpoint::StateDict& weights);

    int resolution() const;  // 4 × 2^(number of upsampling blocks)
    int condition_dim() const { return z_dim + class_embed_dim; }
    bool has_attention() const;  // the position lies within the layer list
    // Checkpoint index of block k: generator.layers.{k} before the attention layer, {k+1} after.
    int block_layer_index(int block) const;
    void validate() const;
};

}  // namespace bgv::biggan
