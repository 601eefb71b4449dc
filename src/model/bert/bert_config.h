// model/bert: all-MiniLM-L6-v2, the BERT sentence encoder that matches lyrics to class names.
// bert_config: the architecture numbers read from a Hugging Face config.json, checked for sense.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace bgv::bert {

struct BertConfig {
    std::int64_t vocab_size = 30522;
    std::int64_t hidden = 384;
    std::int64_t layers = 6;
    std::int64_t heads = 12;
    std::int64_t intermediate = 1536;
    std::int64_t max_positions = 512;
    std::int64_t type_vocab_size = 2;
    float layer_norm_eps = 1e-12f;

    std::int64_t head_size() const { return hidden / heads; }

    // Throws bgv::Error naming the field when the JSON is not a BERT with exact GELU.
    static BertConfig from_json(std::string_view json_text);
    static BertConfig from_file(const std::filesystem::path& path);
};

}  // namespace bgv::bert
