#include "render/text_model.h"

#include "store/store.h"

namespace bgv::render {

namespace {
constexpr const char* kTextModel = "all-MiniLM-L6-v2";
}  // namespace

TextModel find_text_model(const std::optional<std::filesystem::path>& text_weights) {
    TextModel model;
    model.model_dir = store::weights_or_model(
        text_weights ? std::optional(text_weights->string()) : std::nullopt, kTextModel);
    model.class_cache_file =
        store::cache_file_for(model.model_dir / "model.safetensors", "class-names-minilm", ".npy");
    return model;
}

}  // namespace bgv::render
