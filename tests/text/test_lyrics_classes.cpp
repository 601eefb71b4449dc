#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "core/npy.h"
#include "text/class_names.h"
#include "text/lyrics_classes.h"

namespace bgv::text {
namespace {

// The random 2-layer MiniLM of tests/model/bert (a 3000-token vocabulary): the meaning of its
// similarities is arbitrary, but every step of the pipeline is exercised.
const std::filesystem::path kTinyModel =
    std::filesystem::path(BGV_TEST_DATA) / "model/bert/data/tiny_minilm";

runtime::Engine& engine() {
    static runtime::Engine instance(1);  // one thread: tiny ops, no barrier waits on a busy machine
    return instance;
}

struct TempDir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("bgv_text_test_" + std::to_string(::getpid()));
    TempDir() { std::filesystem::create_directories(path); }
    ~TempDir() { std::filesystem::remove_all(path); }
};

TEST(LyricsClasses, ClassNamesAreTheThousandImagenetLabels) {
    const auto& names = imagenet_class_names();
    ASSERT_EQ(names.size(), 1000u);
    EXPECT_EQ(names[0], "tench");
    EXPECT_EQ(names[207], "Golden Retriever");
    EXPECT_EQ(names[999], "toilet paper");
}

// How many times the 1000 class names were encoded while `make_matcher` ran: the matcher logs
// one line for each encoding.
template <typename MakeMatcher>
int class_name_encodings(MakeMatcher make_matcher) {
    log::set_level(log::Level::info);
    const log::Capture captured;
    make_matcher();
    return static_cast<int>(captured.count("encoded 1000 class names", log::Level::info));
}

// A copy of the tiny model whose embedding LayerNorm scale differs in one element: another
// model, whose class-name embeddings differ from the original's.
std::filesystem::path changed_copy_of_tiny_model(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    for (const char* file : {"config.json", "vocab.txt", "model.safetensors"})
        std::filesystem::copy_file(kTinyModel / file, dir / file);
    std::string bytes = read_file_text(dir / "model.safetensors");
    std::uint64_t header_size = 0;
    std::memcpy(&header_size, bytes.data(), sizeof header_size);
    const auto header = nlohmann::json::parse(bytes.substr(8, header_size));
    const auto& tensor = header.at("embeddings.LayerNorm.weight");
    EXPECT_EQ(tensor.at("dtype"), "F32");
    const std::size_t at = 8 + header_size + tensor.at("data_offsets")[0].get<std::size_t>();
    float value = 0;
    std::memcpy(&value, bytes.data() + at, sizeof value);
    value = value * 2 + 0.5f;
    std::memcpy(bytes.data() + at, &value, sizeof value);
    write_file_atomic(dir / "model.safetensors", bytes);
    return dir;
}

TEST(LyricsClasses, ClassEmbeddingsAreComputedOnceAndCachedPerModel) {
    TempDir cache;
    const auto cache_file = cache.path / "class-names-a.npy";
    std::optional<LyricsClassMatcher> first, second, third;
    EXPECT_EQ(class_name_encodings([&] { first.emplace(engine(), kTinyModel, cache_file); }), 1);
    ASSERT_TRUE(std::filesystem::exists(cache_file));

    // The second matcher reads the cache: no encoding, identical values.
    EXPECT_EQ(class_name_encodings([&] { second.emplace(engine(), kTinyModel, cache_file); }), 0);
    EXPECT_EQ(first->class_embeddings().data, second->class_embeddings().data);

    // What it reads is the file: a marked file (rows 5 and 6 swapped, still a valid cache) comes
    // back as written.
    std::vector<float> marked = first->class_embeddings().data;
    const auto dim = first->class_embeddings().dim;
    std::swap_ranges(marked.begin() + 5 * dim, marked.begin() + 6 * dim, marked.begin() + 6 * dim);
    write_npy(cache_file, marked, {1000, static_cast<std::int64_t>(first->class_embeddings().dim)});
    EXPECT_EQ(class_name_encodings([&] { third.emplace(engine(), kTinyModel, cache_file); }), 0);
    EXPECT_EQ(third->class_embeddings().data, marked);

    // A class name's row equals the embedding of that name alone.
    const auto& names = imagenet_class_names();
    const Embeddings alone = first->embed({names[417], names[3]});
    for (std::size_t c = 0; c < alone.dim; ++c) {
        // Batching and padding change only the GEMMs' summation order.
        EXPECT_NEAR(alone.row(0)[c], first->class_embeddings().row(417)[c], 2e-6);
        EXPECT_NEAR(alone.row(1)[c], first->class_embeddings().row(3)[c], 2e-6);
    }

    // Another model with its own cache file (callers key it by the weights' SHA-256) encodes
    // the names once for itself and gets other embeddings; the first model's cache is untouched.
    const auto other_model = changed_copy_of_tiny_model(cache.path / "other_model");
    const auto other_cache = cache.path / "class-names-b.npy";
    std::optional<LyricsClassMatcher> other, other_again;
    EXPECT_EQ(class_name_encodings([&] { other.emplace(engine(), other_model, other_cache); }), 1);
    EXPECT_EQ(
        class_name_encodings([&] { other_again.emplace(engine(), other_model, other_cache); }), 0);
    EXPECT_EQ(other->class_embeddings().data, other_again->class_embeddings().data);
    ASSERT_EQ(other->class_embeddings().data.size(), first->class_embeddings().data.size());
    double largest_difference = 0;
    for (std::size_t i = 0; i < first->class_embeddings().data.size(); ++i)
        largest_difference = std::max(
            largest_difference, static_cast<double>(std::abs(other->class_embeddings().data[i] -
                                                             first->class_embeddings().data[i])));
    EXPECT_GT(largest_difference, 1e-3);
    EXPECT_EQ(read_npy_f32(cache_file).data, marked);
}

// Issue 11, item 11: the cache was used without checking its values (a NaN made every
// similarity -inf). A cache with a NaN, a row that is not unit length, or the wrong shape is
// replaced by freshly computed embeddings, with one warning.
TEST(LyricsClasses, ADamagedClassNameCacheIsComputedAgainWithAWarning) {
    TempDir cache;
    const auto cache_file = cache.path / "class-names.npy";
    const LyricsClassMatcher fresh(engine(), kTinyModel, cache_file);
    const std::vector<float> good = fresh.class_embeddings().data;
    const auto rows = static_cast<std::int64_t>(fresh.class_embeddings().rows);
    const auto dim = static_cast<std::int64_t>(fresh.class_embeddings().dim);

    struct Damage {
        std::string name;
        std::function<void(std::vector<float>&, std::vector<std::int64_t>&)> apply;
        std::string reason;
    };
    const std::vector<Damage> damages = {
        {"NaN", [](auto& v, auto&) { v[5] = std::nanf(""); }, "row 0 holds nan"},
        {"scaled row",
         [&](auto& v, auto&) {
             for (std::int64_t c = 0; c < dim; ++c)
                 v[static_cast<std::size_t>(7 * dim + c)] *= 2;
         },
         "row 7 has norm 2.000000, expected 1"},
        {"shape",
         [&](auto&, auto& shape) {
             shape = {dim, rows};
         },
         fmt::format("shape ({}, {}), expected ({}, {})", dim, rows, rows, dim)},
    };
    for (const auto& damage : damages) {
        std::vector<float> values = good;
        std::vector<std::int64_t> shape = {rows, dim};
        damage.apply(values, shape);
        write_npy(cache_file, std::span<const float>(values), shape);
        const log::Capture captured;
        const LyricsClassMatcher again(engine(), kTinyModel, cache_file);
        EXPECT_EQ(
            captured.messages(log::Level::warn),
            std::vector<std::string>{"class-name cache " + cache_file.string() + " is unusable (" +
                                     damage.reason + "); computing the embeddings again"})
            << damage.name;
        // Recomputed: the same values as the first run (same code path and thread count), and
        // the cache holds them again.
        EXPECT_EQ(again.class_embeddings().data, good) << damage.name;
        EXPECT_EQ(read_npy_f32(cache_file).data, good) << damage.name;
    }
}

TEST(LyricsClasses, TimedLyricsGiveCuesAmongTheChosenClasses) {
    const LyricsClassMatcher matcher(engine(), kTinyModel, {});
    const Lyrics lyrics = parse_lyrics(
        "[ar:Someone]\n[00:01.00]the dog runs on the beach\n"
        "[00:03.50]a red car in the rain\n[00:06.00]\n"
        "[00:08.00]the dog runs on the beach\n");
    const LyricsClasses result = matcher.choose(lyrics, 5, SelectionStrategy::best, 1);
    ASSERT_EQ(result.classes.size(), 5u);
    ASSERT_EQ(result.cues.size(), 3u);
    std::set<int> chosen;
    for (const auto& match : result.classes)
        chosen.insert(match.id);
    EXPECT_EQ(chosen.size(), 5u);
    for (const auto& cue : result.cues)
        EXPECT_TRUE(chosen.contains(cue.class_id)) << cue.text;
    EXPECT_EQ(result.cues[0].class_id, result.cues[2].class_id);  // the same words
    EXPECT_DOUBLE_EQ(result.cues[1].end_seconds, 6.0);
    // Two distinct lines can be the best match of at most two classes: the rest is filled.
    EXPECT_LE(result.best_of_a_line, 2u);
    // The first class is the best match of some line, with the highest similarity.
    for (const auto& match : result.classes)
        EXPECT_LE(match.similarity, result.classes[0].similarity);
}

TEST(LyricsClasses, AFolderWithoutTheModelFilesSaysWhatIsMissing) {
    TempDir empty;
    try {
        LyricsClassMatcher(engine(), empty.path, {});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("config.json is missing"), std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace bgv::text
