// model/bert: all-MiniLM-L6-v2, the BERT sentence encoder that matches lyrics to class names.
// sentence_encoder: token ids → mean-pooled, L2-normalised sentence embeddings on the runtime.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "checkpoint/tensor.h"
#include "model/bert/bert_config.h"
#include "runtime/engine.h"
#include "runtime/tensor.h"

namespace bgv::bert {

class SentenceEncoder {
  public:
    // Checks that `weights` holds exactly the tensors of `config`'s BERT with their shapes
    // ("expected [384,384], got [384,383]"); the pooler and position_ids may be present.
    SentenceEncoder(runtime::Engine& engine, const BertConfig& config,
                    const checkpoint::StateDict& weights);
    // A folder with config.json and model.safetensors.
    static SentenceEncoder load(runtime::Engine& engine, const std::filesystem::path& folder);

    // One embedding row per sequence (each already [CLS] … [SEP], at most max_positions ids),
    // rows × hidden floats, row-major. Sequences are batched by similar length and padded; the
    // padding is masked out of attention and pooling, so a row does not depend on its batch.
    std::vector<float> encode(const std::vector<std::vector<std::int32_t>>& sequences) const;

    const BertConfig& config() const { return config_; }
    std::int64_t dim() const { return config_.hidden; }

  private:
    struct Layer {
        runtime::Tensor qkv_weight, qkv_bias;  // query, key, value stacked: (3·hidden, hidden)
        runtime::Tensor output_weight, output_bias, attention_norm_weight, attention_norm_bias;
        runtime::Tensor intermediate_weight, intermediate_bias, ffn_output_weight, ffn_output_bias;
        runtime::Tensor output_norm_weight, output_norm_bias;
    };
    // Activations of one batch, kept across batches so that their pages are touched only once.
    struct Workspace {
        runtime::Tensor x, qkv, context, projected, hidden;
    };
    // Encodes sequences padded to `length` tokens into the rows `out_rows` points to.
    void encode_batch(const std::vector<const std::vector<std::int32_t>*>& batch,
                      std::int64_t length, float* const* out_rows, Workspace& work) const;

    runtime::Engine* engine_;
    BertConfig config_;
    runtime::Tensor word_embeddings_, position_embeddings_, token_type_embeddings_;
    runtime::Tensor embedding_norm_weight_, embedding_norm_bias_;
    std::vector<Layer> layers_;
};

}  // namespace bgv::bert
