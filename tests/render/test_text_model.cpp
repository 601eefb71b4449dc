// render/text_model: the one lookup of the sentence encoder and its class-name cache that render,
// the classes command and the studio share: the user's folder or the store's model, and a cache
// file keyed by the weights' bytes.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "core/file.h"
#include "render/text_model.h"
#include "store/sha256.h"
#include "support/errors.h"
#include "support/process.h"

namespace fs = std::filesystem;
using bgv::render::find_text_model;

namespace {
const fs::path kTinyMiniLm = fs::path(BGV_TEST_DATA) / "model/bert/data/tiny_minilm";

class TextModel : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = bgv::test::fresh_temp_dir("render_text_model");
        ::setenv("BIGGANVIZ_CACHE", (dir_ / "cache").c_str(), 1);
        ::setenv("BIGGANVIZ_OFFLINE", "1", 1);
    }
    void TearDown() override {
        ::unsetenv("BIGGANVIZ_CACHE");
        ::unsetenv("BIGGANVIZ_OFFLINE");
    }
    fs::path dir_;
};
}  // namespace

TEST_F(TextModel, TheUsersFolderWithACacheKeyedByItsWeights) {
    const auto model = find_text_model(kTinyMiniLm);
    EXPECT_EQ(model.model_dir, kTinyMiniLm);
    EXPECT_EQ(model.class_cache_file,
              dir_ / "cache/derived" /
                  ("class-names-minilm-" +
                   bgv::store::sha256_file(kTinyMiniLm / "model.safetensors") + ".npy"));

    // Other weights (one byte changed), another cache file.
    const fs::path copy = dir_ / "changed_minilm";
    fs::copy(kTinyMiniLm, copy);
    auto bytes = bgv::read_file_bytes(copy / "model.safetensors");
    bytes.back() ^= std::byte{1};
    fs::remove(copy / "model.safetensors");
    bgv::write_file_atomic(
        copy / "model.safetensors",
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    const auto changed = find_text_model(copy);
    EXPECT_EQ(changed.model_dir, copy);
    EXPECT_NE(changed.class_cache_file, model.class_cache_file);
    EXPECT_EQ(changed.class_cache_file.parent_path(), model.class_cache_file.parent_path());
}

TEST_F(TextModel, AMissingFolderOrAnEmptyOfflineCacheIsOneLine) {
    EXPECT_EQ(bgv::test::error_of([&] { find_text_model(dir_ / "nowhere"); }),
              "--text_weights " + (dir_ / "nowhere").string() + ": no such file or folder");
    const std::string error = bgv::test::error_of([] { find_text_model(std::nullopt); });
    EXPECT_TRUE(
        error.starts_with("model all-MiniLM-L6-v2 is not in the cache and "
                          "BIGGANVIZ_OFFLINE is set; put config.json"))
        << error;
    EXPECT_NE(error.find(" into " + (dir_ / "cache/all-MiniLM-L6-v2").string()), std::string::npos)
        << error;
}
