#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "text/class_selection.h"

namespace bgv::text {
namespace {

// A similarity matrix given row by row.
SimilarityMatrix matrix(std::vector<std::vector<float>> rows) {
    SimilarityMatrix m{.lines = rows.size(), .classes = rows[0].size()};
    for (const auto& row : rows)
        m.data.insert(m.data.end(), row.begin(), row.end());
    return m;
}

TEST(ClassSelection, SimilarityIsTheDotProductOfEmbeddings) {
    const Embeddings lines{.rows = 2, .dim = 2, .data = {1, 0, 0.6f, 0.8f}};
    const Embeddings classes{.rows = 3, .dim = 2, .data = {1, 0, 0, 1, 0.8f, 0.6f}};
    const SimilarityMatrix s = similarity_matrix(lines, classes);
    ASSERT_EQ(s.lines, 2u);
    ASSERT_EQ(s.classes, 3u);
    EXPECT_FLOAT_EQ(s.at(0, 2), 0.8f);
    EXPECT_FLOAT_EQ(s.at(1, 1), 0.8f);
    EXPECT_FLOAT_EQ(s.at(1, 2), 0.96f);
}

TEST(ClassSelection, BestOrdersLinesBestClassesBySimilarity) {
    const auto s = matrix({{0.1f, 0.9f, 0.2f, 0.0f, 0.3f},
                           {0.5f, 0.1f, 0.0f, 0.6f, 0.2f},
                           {0.0f, 0.8f, 0.1f, 0.0f, 0.0f}});
    const auto selection = select_classes(s, 2, SelectionStrategy::best, 0);
    ASSERT_EQ(selection.classes.size(), 2u);
    EXPECT_EQ(selection.classes[0].id, 1);
    EXPECT_FLOAT_EQ(selection.classes[0].similarity, 0.9f);
    EXPECT_EQ(selection.classes[1].id, 3);
    EXPECT_EQ(selection.best_of_a_line, 2u);
}

TEST(ClassSelection, FewerDistinctMatchesThanAskedAreFilledNotHung) {
    // Every line's best class is 1 (the original tool looped forever here).
    const auto s = matrix({{0.1f, 0.9f, 0.2f, 0.0f, 0.3f}, {0.5f, 0.7f, 0.0f, 0.6f, 0.2f}});
    for (auto strategy : {SelectionStrategy::best, SelectionStrategy::random}) {
        const auto selection = select_classes(s, 4, strategy, 7);
        ASSERT_EQ(selection.classes.size(), 4u);
        EXPECT_EQ(selection.best_of_a_line, 1u);
        EXPECT_EQ(selection.classes[0].id, 1);
        EXPECT_EQ(selection.classes[1].id, 3);  // then by highest similarity to any line
        EXPECT_EQ(selection.classes[2].id, 0);
        EXPECT_EQ(selection.classes[3].id, 4);
    }
    // Asking for more classes than exist gives all of them.
    EXPECT_EQ(select_classes(s, 12, SelectionStrategy::best, 0).classes.size(), 5u);
}

TEST(ClassSelection, RandomIsASeededSampleOfTheLinesBestClasses) {
    std::vector<std::vector<float>> rows;
    for (int i = 0; i < 20; ++i) {
        std::vector<float> row(40, 0.0f);
        row[static_cast<std::size_t>(2 * i)] = 0.5f + 0.01f * static_cast<float>(i);
        rows.push_back(row);
    }
    const auto s = matrix(rows);
    const auto a = select_classes(s, 6, SelectionStrategy::random, 42);
    const auto b = select_classes(s, 6, SelectionStrategy::random, 42);
    const auto c = select_classes(s, 6, SelectionStrategy::random, 43);
    ASSERT_EQ(a.classes.size(), 6u);
    std::vector<int> ids_a, ids_b, ids_c;
    for (std::size_t k = 0; k < 6; ++k) {
        ids_a.push_back(a.classes[k].id);
        ids_b.push_back(b.classes[k].id);
        ids_c.push_back(c.classes[k].id);
        EXPECT_EQ(a.classes[k].id % 2, 0);  // only classes that are some line's best
    }
    EXPECT_EQ(ids_a, ids_b);
    EXPECT_NE(ids_a, ids_c);
    EXPECT_EQ(std::set<int>(ids_a.begin(), ids_a.end()).size(), 6u);
}

TEST(ClassSelection, CuesFollowTimedLinesWithChosenClasses) {
    const Lyrics lyrics =
        parse_lyrics("[00:01.00]dog\n[00:04.00]cat\n[00:06.00]\n[00:09.00]bird\n");
    // Rows: the sung lines. Class 2 is line 2's best but not chosen, so it falls back to 0.
    const auto s = matrix({{0.9f, 0.1f, 0.0f}, {0.4f, 0.3f, 0.95f}, {0.1f, 0.8f, 0.2f}});
    const std::vector<ClassMatch> chosen = {{0, 0.9f}, {1, 0.8f}};
    const auto cues = lyrics_cues(lyrics, s, chosen);
    ASSERT_EQ(cues.size(), 3u);
    EXPECT_DOUBLE_EQ(cues[0].start_seconds, 1.0);
    EXPECT_DOUBLE_EQ(cues[0].end_seconds, 4.0);
    EXPECT_EQ(cues[0].class_id, 0);
    EXPECT_EQ(cues[1].class_id, 0);
    EXPECT_FLOAT_EQ(cues[1].similarity, 0.4f);
    EXPECT_DOUBLE_EQ(cues[1].end_seconds, 6.0);  // the empty stamp ends it
    EXPECT_EQ(cues[2].class_id, 1);
    EXPECT_EQ(cues[2].text, "bird");
    EXPECT_TRUE(std::isinf(cues[2].end_seconds));
    EXPECT_TRUE(lyrics_cues(parse_lyrics("dog\ncat\nbird\n"), s, chosen).empty());
}

}  // namespace
}  // namespace bgv::text
