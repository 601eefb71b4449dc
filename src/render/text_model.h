// render/text_model: where the sentence encoder that matches lyrics to class names comes from, for
// every way in (render, the classes command, the studio): the user's MiniLM folder or the store's.
#pragma once

#include <filesystem>
#include <optional>

namespace bgv::render {

struct TextModel {
    std::filesystem::path model_dir;         // config.json, vocab.txt, model.safetensors
    std::filesystem::path class_cache_file;  // the class names' embeddings by this model
};

// `text_weights` (--text_weights: a MiniLM folder; it must exist) or all-MiniLM-L6-v2 from the
// store, fetched if missing; the class-name cache is keyed by the weights' SHA-256.
TextModel find_text_model(const std::optional<std::filesystem::path>& text_weights);

}  // namespace bgv::render
