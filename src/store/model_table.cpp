#include "store/model_table.h"

#include <fmt/format.h>

#include "core/error.h"

namespace bgv::store {

namespace {

// The 2019 release of pytorch-pretrained-BigGAN on S3 (see docs/biggan-deep.md, "Files"); the
// 128 model also lives on the Hugging Face hub. Sizes are known only roughly
// (201, 224, 225 MB) and no hash was published, so both are left for the download to record;
// what a server may announce is bounded a few times above (kMaxConfig, kMaxBigGan).
constexpr std::int64_t kMaxConfig = std::int64_t{1} << 20;
constexpr std::int64_t kMaxBigGan = std::int64_t{1} << 30;      // 4.5 times 225 MB
constexpr std::int64_t kMaxVocabulary = std::int64_t{4} << 20;  // 232 kB published
constexpr std::int64_t kMaxMiniLm = std::int64_t{512} << 20;    // 5.6 times 90.9 MB

ModelSpec biggan_deep(int resolution) {
    const std::string s3 = fmt::format(
        "https://s3.amazonaws.com/models.huggingface.co/biggan/biggan-deep-{}-", resolution);
    ModelSpec spec{.name = fmt::format("biggan-deep-{}", resolution),
                   .files = {},
                   .description = fmt::format("BigGAN-deep generator, {0}x{0} images", resolution)};
    for (const std::string file : {"config.json", "pytorch_model.bin"}) {
        ModelFile entry{.name = file,
                        .urls = {s3 + file},
                        .max_size = file == "config.json" ? kMaxConfig : kMaxBigGan};
        if (resolution == 128) {
            entry.urls.push_back(
                "https://huggingface.co/osanseviero/BigGAN-deep-128/resolve/main/" + file);
        }
        spec.files.push_back(entry);
    }
    return spec;
}

ModelSpec minilm() {
    const std::string hub =
        "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/";
    ModelSpec spec{.name = "all-MiniLM-L6-v2",
                   .files = {},
                   .description = "sentence encoder for lyrics (MiniLM, 384-d embeddings)",
                   .weights_option = "--text_weights"};
    for (const std::string file : {"config.json", "vocab.txt", "model.safetensors"}) {
        spec.files.push_back({.name = file,
                              .urls = {hub + file},
                              .max_size = file == "config.json" ? kMaxConfig
                                          : file == "vocab.txt" ? kMaxVocabulary
                                                                : kMaxMiniLm});
    }
    return spec;
}

}  // namespace

const std::vector<ModelSpec>& known_models() {
    static const std::vector<ModelSpec> table = {biggan_deep(128), biggan_deep(256),
                                                 biggan_deep(512), minilm()};
    return table;
}

std::string biggan_model_for_resolution(int resolution) {
    if (resolution != 128 && resolution != 256 && resolution != 512) {
        fail_usage("no BigGAN-deep model for resolution {} (there are 128, 256 and 512)",
                   resolution);
    }
    return fmt::format("biggan-deep-{}", resolution);
}

}  // namespace bgv::store
