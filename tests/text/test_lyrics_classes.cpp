#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <functional>
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

TEST(LyricsClasses, ClassEmbeddingsAreComputedOnceAndCachedPerModel) {
    TempDir cache;
    const auto cache_file = cache.path / "text" / "class-names.npy";
    const LyricsClassMatcher first(engine(), kTinyModel, cache_file);
    ASSERT_TRUE(std::filesystem::exists(cache_file));

    // The second matcher reads the cache: identical values, and a class name's row equals the
    // embedding of that name alone.
    const LyricsClassMatcher second(engine(), kTinyModel, cache_file);
    EXPECT_EQ(first.class_embeddings().data, second.class_embeddings().data);
    const auto& names = imagenet_class_names();
    const Embeddings alone = first.embed({names[417], names[3]});
    for (std::size_t c = 0; c < alone.dim; ++c) {
        // Batching and padding change only the GEMMs' summation order.
        EXPECT_NEAR(alone.row(0)[c], first.class_embeddings().row(417)[c], 2e-6);
        EXPECT_NEAR(alone.row(1)[c], first.class_embeddings().row(3)[c], 2e-6);
    }
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
        log::set_level(log::Level::warn);  // the warning alone, not the timing line
        testing::internal::CaptureStderr();
        const LyricsClassMatcher again(engine(), kTinyModel, cache_file);
        const std::string warning = testing::internal::GetCapturedStderr();
        log::set_level(log::Level::info);
        EXPECT_EQ(warning, "warning: class-name cache " + cache_file.string() + " is unusable (" +
                               damage.reason + "); computing the embeddings again\n")
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
