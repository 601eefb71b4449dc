#include "model/bert/bert_config.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file.h"

namespace bgv::bert {

namespace {
std::int64_t positive(const nlohmann::json& json, const char* key, std::int64_t fallback) {
    if (!json.contains(key))
        return fallback;
    if (!json[key].is_number_integer() || json[key].get<std::int64_t>() <= 0)
        fail("'{}' must be a positive integer, got {}", key, json[key].dump());
    return json[key].get<std::int64_t>();
}
}  // namespace

BertConfig BertConfig::from_json(std::string_view json_text) {
    const auto json = nlohmann::json::parse(json_text, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        fail("not a JSON object");
    if (json.contains("model_type") && json["model_type"] != "bert")
        fail("expected model_type \"bert\", got {}", json["model_type"].dump());
    // Exact (erf) GELU: the only activation the encoder implements.
    if (json.contains("hidden_act") && json["hidden_act"] != "gelu")
        fail("expected hidden_act \"gelu\", got {}", json["hidden_act"].dump());
    BertConfig config;
    config.vocab_size = positive(json, "vocab_size", config.vocab_size);
    config.hidden = positive(json, "hidden_size", config.hidden);
    config.layers = positive(json, "num_hidden_layers", config.layers);
    config.heads = positive(json, "num_attention_heads", config.heads);
    config.intermediate = positive(json, "intermediate_size", config.intermediate);
    config.max_positions = positive(json, "max_position_embeddings", config.max_positions);
    config.type_vocab_size = positive(json, "type_vocab_size", config.type_vocab_size);
    if (json.contains("layer_norm_eps")) {
        if (!json["layer_norm_eps"].is_number() || json["layer_norm_eps"].get<double>() <= 0)
            fail("'layer_norm_eps' must be a positive number");
        config.layer_norm_eps = json["layer_norm_eps"].get<float>();
    }
    if (config.hidden % config.heads != 0)
        fail("hidden_size {} is not a multiple of num_attention_heads {}", config.hidden,
             config.heads);
    return config;
}

BertConfig BertConfig::from_file(const std::filesystem::path& path) {
    return with_context(path.string(), [&] { return from_json(read_file_text(path)); });
}

}  // namespace bgv::bert
