#include "model/bert/bert_config.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file.h"
#include "core/json.h"

namespace bgv::bert {

namespace {
// Bounds far above any BERT-family encoder (MiniLM: 384 wide, 6 layers, 30522 tokens) that keep
// every product of the sizes, and so every allocation, small.
std::int64_t bounded(const nlohmann::json& json, const char* key, std::int64_t max,
                     std::int64_t fallback) {
    return json_integer(json, key, 1, max, fallback);
}
}  // namespace

BertConfig BertConfig::from_json(std::string_view json_text) {
    const auto json = parse_json(json_text);
    if (!json.is_object())
        fail("expected a JSON object, got {}", json.type_name());
    if (json.contains("model_type") && json["model_type"] != "bert")
        fail("expected model_type \"bert\", got {}", json["model_type"].dump());
    // Exact (erf) GELU: the only activation the encoder implements.
    if (json.contains("hidden_act") && json["hidden_act"] != "gelu")
        fail("expected hidden_act \"gelu\", got {}", json["hidden_act"].dump());
    BertConfig config;
    config.vocab_size = bounded(json, "vocab_size", 1'000'000, config.vocab_size);
    config.hidden = bounded(json, "hidden_size", 8192, config.hidden);
    config.layers = bounded(json, "num_hidden_layers", 128, config.layers);
    config.heads = bounded(json, "num_attention_heads", 256, config.heads);
    config.intermediate = bounded(json, "intermediate_size", 65536, config.intermediate);
    config.max_positions = bounded(json, "max_position_embeddings", 65536, config.max_positions);
    config.type_vocab_size = bounded(json, "type_vocab_size", 1024, config.type_vocab_size);
    config.layer_norm_eps =
        static_cast<float>(json_number(json, "layer_norm_eps", 1e-30, 1.0, config.layer_norm_eps));
    if (config.hidden % config.heads != 0)
        fail("hidden_size {} is not a multiple of num_attention_heads {}", config.hidden,
             config.heads);
    return config;
}

BertConfig BertConfig::from_file(const std::filesystem::path& path) {
    const std::string text = read_file_text(path, kMaxJsonFileBytes);
    return with_context(path.string(), [&] { return from_json(text); });
}

}  // namespace bgv::bert
