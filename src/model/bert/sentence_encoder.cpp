#include "model/bert/sentence_encoder.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "checkpoint/checkpoint.h"
#include "core/error.h"
#include "runtime/attention.h"
#include "runtime/elementwise.h"
#include "runtime/matmul.h"

namespace bgv::bert {

namespace {

// Most token rows one batch holds (batch × padded length): big enough that the linears run as
// efficient GEMMs, small enough that the intermediate activations stay a few tens of MB.
constexpr std::int64_t kTokensPerBatch = 2048;

std::string dims(const std::vector<std::int64_t>& shape) {
    return fmt::format("[{}]", fmt::join(shape, ", "));
}

// Takes the named tensor out of `weights`, checking its shape.
class WeightReader {
  public:
    explicit WeightReader(const checkpoint::StateDict& weights) : weights_(weights) {}

    runtime::Tensor take(const std::string& name, const std::vector<std::int64_t>& shape) {
        const auto it = weights_.find(name);
        if (it == weights_.end())
            fail("missing tensor '{}' (expected {})", name, dims(shape));
        if (it->second.shape != shape)
            fail("tensor '{}': expected {}, got {}", name, dims(shape), dims(it->second.shape));
        used_.insert(name);
        return runtime::Tensor(shape, it->second.data);
    }

    // Tensors present but not read: the pooler and position_ids are expected; others are not.
    void check_nothing_else_left(std::int64_t hidden, std::int64_t positions) {
        for (const auto& [name, tensor] : weights_) {
            if (used_.contains(name))
                continue;
            if (name == "pooler.dense.weight" || name == "pooler.dense.bias") {
                take(name, name.ends_with("weight") ? std::vector<std::int64_t>{hidden, hidden}
                                                    : std::vector<std::int64_t>{hidden});
            } else if (name == "embeddings.position_ids") {
                take(name, {1, positions});
            } else {
                fail("unexpected tensor '{}' {}: not part of this BERT", name, dims(tensor.shape));
            }
        }
    }

  private:
    const checkpoint::StateDict& weights_;
    std::set<std::string> used_;
};

runtime::Tensor stack_rows(const std::vector<const runtime::Tensor*>& parts) {
    std::vector<std::int64_t> shape = parts.front()->shape();
    std::vector<float> values;
    for (const auto* part : parts)
        values.insert(values.end(), part->values().begin(), part->values().end());
    shape[0] *= static_cast<std::int64_t>(parts.size());
    return runtime::Tensor(shape, values);
}

}  // namespace

SentenceEncoder::SentenceEncoder(runtime::Engine& engine, const BertConfig& config,
                                 const checkpoint::StateDict& weights)
    : engine_(&engine), config_(config) {
    const std::int64_t h = config.hidden, inner = config.intermediate;
    WeightReader reader(weights);
    word_embeddings_ = reader.take("embeddings.word_embeddings.weight", {config.vocab_size, h});
    position_embeddings_ =
        reader.take("embeddings.position_embeddings.weight", {config.max_positions, h});
    token_type_embeddings_ =
        reader.take("embeddings.token_type_embeddings.weight", {config.type_vocab_size, h});
    embedding_norm_weight_ = reader.take("embeddings.LayerNorm.weight", {h});
    embedding_norm_bias_ = reader.take("embeddings.LayerNorm.bias", {h});
    for (std::int64_t i = 0; i < config.layers; ++i) {
        const std::string p = fmt::format("encoder.layer.{}.", i);
        Layer layer;
        const auto q = reader.take(p + "attention.self.query.weight", {h, h});
        const auto k = reader.take(p + "attention.self.key.weight", {h, h});
        const auto v = reader.take(p + "attention.self.value.weight", {h, h});
        const auto qb = reader.take(p + "attention.self.query.bias", {h});
        const auto kb = reader.take(p + "attention.self.key.bias", {h});
        const auto vb = reader.take(p + "attention.self.value.bias", {h});
        // One GEMM computes query, key and value together.
        layer.qkv_weight = stack_rows({&q, &k, &v});
        layer.qkv_bias = stack_rows({&qb, &kb, &vb});
        layer.output_weight = reader.take(p + "attention.output.dense.weight", {h, h});
        layer.output_bias = reader.take(p + "attention.output.dense.bias", {h});
        layer.attention_norm_weight = reader.take(p + "attention.output.LayerNorm.weight", {h});
        layer.attention_norm_bias = reader.take(p + "attention.output.LayerNorm.bias", {h});
        layer.intermediate_weight = reader.take(p + "intermediate.dense.weight", {inner, h});
        layer.intermediate_bias = reader.take(p + "intermediate.dense.bias", {inner});
        layer.ffn_output_weight = reader.take(p + "output.dense.weight", {h, inner});
        layer.ffn_output_bias = reader.take(p + "output.dense.bias", {h});
        layer.output_norm_weight = reader.take(p + "output.LayerNorm.weight", {h});
        layer.output_norm_bias = reader.take(p + "output.LayerNorm.bias", {h});
        layers_.push_back(std::move(layer));
    }
    reader.check_nothing_else_left(h, config.max_positions);
}

SentenceEncoder SentenceEncoder::load(runtime::Engine& engine,
                                      const std::filesystem::path& folder) {
    const BertConfig config = BertConfig::from_file(folder / "config.json");
    const auto weights_path = folder / "model.safetensors";
    return with_context(weights_path.string(), [&] {
        return SentenceEncoder(engine, config, checkpoint::load_state_dict(weights_path));
    });
}

std::vector<float> SentenceEncoder::encode(
    const std::vector<std::vector<std::int32_t>>& sequences) const {
    const std::int64_t h = config_.hidden;
    std::vector<float> result(sequences.size() * static_cast<std::size_t>(h));
    for (std::size_t i = 0; i < sequences.size(); ++i) {
        const auto length = static_cast<std::int64_t>(sequences[i].size());
        if (length == 0 || length > config_.max_positions)
            fail("sequence {} has {} tokens; the encoder takes 1 to {}", i, length,
                 config_.max_positions);
        for (std::int32_t id : sequences[i]) {
            if (id < 0 || id >= config_.vocab_size)
                fail("sequence {}: token id {} is outside the vocabulary of {}", i, id,
                     config_.vocab_size);
        }
    }
    // Shortest first, so that each batch pads little.
    std::vector<std::size_t> order(sequences.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return sequences[a].size() < sequences[b].size();
    });
    Workspace work;
    std::size_t start = 0;
    while (start < order.size()) {
        std::size_t end = start + 1;
        while (end < order.size() &&
               static_cast<std::int64_t>((end - start + 1) * sequences[order[end]].size()) <=
                   kTokensPerBatch)
            ++end;
        std::vector<const std::vector<std::int32_t>*> batch;
        std::vector<float*> rows;
        for (std::size_t k = start; k < end; ++k) {
            batch.push_back(&sequences[order[k]]);
            rows.push_back(result.data() + order[k] * static_cast<std::size_t>(h));
        }
        encode_batch(batch, static_cast<std::int64_t>(sequences[order[end - 1]].size()),
                     rows.data(), work);
        start = end;
    }
    return result;
}

void SentenceEncoder::encode_batch(const std::vector<const std::vector<std::int32_t>*>& batch,
                                   std::int64_t length, float* const* out_rows,
                                   Workspace& work) const {
    runtime::Engine& engine = *engine_;
    engine.use_on_this_thread();  // also for the runtime's own loops between oneDNN calls
    const std::int64_t h = config_.hidden, heads = config_.heads, d = config_.head_size();
    const std::int64_t inner = config_.intermediate;
    const auto b_count = static_cast<std::int64_t>(batch.size());
    const std::int64_t rows = b_count * length;

    // Embeddings: word + position + token type 0, then layer norm.
    work.x.resize({rows, h});
    work.qkv.resize({rows, 3 * h});
    work.context.resize({rows, h});
    work.projected.resize({rows, h});
    work.hidden.resize({rows, inner});
    auto& [x, qkv, context, projected, hidden] = work;
    for (std::int64_t b = 0; b < b_count; ++b) {
        const auto& ids = *batch[static_cast<std::size_t>(b)];
        for (std::int64_t t = 0; t < length; ++t) {
            const std::int32_t id = t < static_cast<std::int64_t>(ids.size())
                                        ? ids[static_cast<std::size_t>(t)]
                                        : 0;  // [PAD]
            const float* word = word_embeddings_.data() + id * h;
            const float* position = position_embeddings_.data() + t * h;
            const float* type = token_type_embeddings_.data();
            float* row = x.data() + (b * length + t) * h;
            for (std::int64_t c = 0; c < h; ++c)
                row[c] = word[c] + position[c] + type[c];
        }
    }
    runtime::layer_norm_rows(x.data(), rows, h, embedding_norm_weight_.data(),
                             embedding_norm_bias_.data(), config_.layer_norm_eps);

    std::vector<std::int64_t> real_lengths;
    for (const auto* ids : batch)
        real_lengths.push_back(static_cast<std::int64_t>(ids->size()));

    for (const Layer& layer : layers_) {
        runtime::linear(engine, x.data(), layer.qkv_weight.data(), layer.qkv_bias.data(),
                        qkv.data(), rows, h, 3 * h);
        runtime::masked_multi_head_attention(qkv.data(), context.data(), b_count, length, heads, d,
                                             real_lengths);
        runtime::linear(engine, context.data(), layer.output_weight.data(),
                        layer.output_bias.data(), projected.data(), rows, h, h);
        runtime::add(x.values(), projected.values(), x.values());
        runtime::layer_norm_rows(x.data(), rows, h, layer.attention_norm_weight.data(),
                                 layer.attention_norm_bias.data(), config_.layer_norm_eps);
        runtime::linear(engine, x.data(), layer.intermediate_weight.data(),
                        layer.intermediate_bias.data(), hidden.data(), rows, h, inner,
                        runtime::Activation::gelu_erf);
        runtime::linear(engine, hidden.data(), layer.ffn_output_weight.data(),
                        layer.ffn_output_bias.data(), projected.data(), rows, inner, h);
        runtime::add(x.values(), projected.values(), x.values());
        runtime::layer_norm_rows(x.data(), rows, h, layer.output_norm_weight.data(),
                                 layer.output_norm_bias.data(), config_.layer_norm_eps);
    }

    // Mean over the real tokens, then unit length.
    for (std::int64_t b = 0; b < b_count; ++b) {
        const auto real = static_cast<std::int64_t>(batch[static_cast<std::size_t>(b)]->size());
        std::vector<double> sum(static_cast<std::size_t>(h), 0.0);
        for (std::int64_t t = 0; t < real; ++t) {
            const float* row = x.data() + (b * length + t) * h;
            for (std::int64_t c = 0; c < h; ++c)
                sum[static_cast<std::size_t>(c)] += row[c];
        }
        double norm = 0.0;
        for (double& value : sum) {
            value /= static_cast<double>(real);
            norm += value * value;
        }
        // sentence-transformers divides by max(norm, 1e-12).
        norm = std::max(std::sqrt(norm), 1e-12);
        float* out = out_rows[b];
        for (std::int64_t c = 0; c < h; ++c)
            out[c] = static_cast<float>(sum[static_cast<std::size_t>(c)] / norm);
    }
}

}  // namespace bgv::bert
