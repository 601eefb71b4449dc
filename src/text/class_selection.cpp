#include "text/class_selection.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "core/error.h"
#include "core/log.h"

namespace bgv::text {

namespace {

// Uniform integer in [0, bound) from a 64-bit engine, the same on every standard library.
std::uint64_t draw_below(std::mt19937_64& engine, std::uint64_t bound) {
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                                std::numeric_limits<std::uint64_t>::max() % bound;
    std::uint64_t value = engine();
    while (value >= limit)
        value = engine();
    return value % bound;
}

std::vector<ClassMatch> sorted_by_similarity(std::vector<ClassMatch> matches) {
    std::stable_sort(matches.begin(), matches.end(), [](const ClassMatch& a, const ClassMatch& b) {
        return a.similarity > b.similarity || (a.similarity == b.similarity && a.id < b.id);
    });
    return matches;
}

}  // namespace

SimilarityMatrix similarity_matrix(const Embeddings& lines, const Embeddings& classes) {
    if (lines.dim != classes.dim)
        fail("embedding sizes differ: lines have {}, class names {}", lines.dim, classes.dim);
    SimilarityMatrix result{.lines = lines.rows,
                            .classes = classes.rows,
                            .data = std::vector<float>(lines.rows * classes.rows)};
    for (std::size_t i = 0; i < lines.rows; ++i) {
        const float* a = lines.row(i);
        for (std::size_t j = 0; j < classes.rows; ++j) {
            const float* b = classes.row(j);
            float dot = 0;
            for (std::size_t k = 0; k < lines.dim; ++k)
                dot += a[k] * b[k];
            result.data[i * classes.rows + j] = dot;
        }
    }
    return result;
}

SelectionStrategy parse_strategy(const std::string& name) {
    if (name == "best")
        return SelectionStrategy::best;
    if (name == "random")
        return SelectionStrategy::random;
    fail_usage("unknown encoding strategy '{}' (expected best or random)", name);
}

ClassSelection select_classes(const SimilarityMatrix& similarity, std::size_t count,
                              SelectionStrategy strategy, std::uint64_t seed) {
    if (similarity.lines == 0 || similarity.classes == 0)
        fail("no lyrics lines to match against class names");
    count = std::min(count, similarity.classes);

    // Highest similarity of any line to each class, and each line's best class.
    std::vector<ClassMatch> overall(similarity.classes);
    for (std::size_t j = 0; j < similarity.classes; ++j) {
        overall[j] = {static_cast<int>(j), -std::numeric_limits<float>::infinity()};
        for (std::size_t i = 0; i < similarity.lines; ++i)
            overall[j].similarity = std::max(overall[j].similarity, similarity.at(i, j));
    }
    std::vector<bool> is_line_best(similarity.classes, false);
    for (std::size_t i = 0; i < similarity.lines; ++i) {
        std::size_t best = 0;
        for (std::size_t j = 1; j < similarity.classes; ++j) {
            if (similarity.at(i, j) > similarity.at(i, best))
                best = j;
        }
        is_line_best[best] = true;
    }
    std::vector<ClassMatch> line_best, others;
    for (const auto& match : overall)
        (is_line_best[match.id] ? line_best : others).push_back(match);
    line_best = sorted_by_similarity(std::move(line_best));
    others = sorted_by_similarity(std::move(others));

    ClassSelection selection;
    if (strategy == SelectionStrategy::random && line_best.size() > count) {
        // Partial Fisher-Yates: the first `count` entries become a uniform sample.
        std::mt19937_64 engine(seed);
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t pick = k + draw_below(engine, line_best.size() - k);
            std::swap(line_best[k], line_best[pick]);
        }
    }
    const std::size_t from_lines = std::min(count, line_best.size());
    selection.classes.assign(line_best.begin(), line_best.begin() + static_cast<long>(from_lines));
    selection.best_of_a_line = from_lines;
    if (from_lines < count) {
        log::warn(
            "only {} distinct class(es) are the best match of a lyrics line; {} more filled "
            "with the next best matches",
            from_lines, count - from_lines);
        selection.classes.insert(selection.classes.end(), others.begin(),
                                 others.begin() + static_cast<long>(count - from_lines));
    }
    return selection;
}

std::vector<LyricsCue> lyrics_cues(const Lyrics& lyrics, const SimilarityMatrix& similarity,
                                   const std::vector<ClassMatch>& chosen) {
    std::vector<LyricsCue> cues;
    if (!lyrics.timed() || chosen.empty())
        return cues;
    const auto sung = lyrics.sung_lines();
    if (sung.size() != similarity.lines)
        fail("similarity matrix has {} rows for {} sung lines", similarity.lines, sung.size());
    std::size_t row = 0;
    for (auto& timed : timed_lyrics(lyrics)) {  // the sung lines, in order: one row each
        LyricsCue cue{.start_seconds = timed.start_seconds,
                      .end_seconds = timed.end_seconds,
                      .text = std::move(timed.text)};
        cue.class_id = chosen.front().id;
        cue.similarity = similarity.at(row, static_cast<std::size_t>(chosen.front().id));
        for (const auto& match : chosen) {
            const float s = similarity.at(row, static_cast<std::size_t>(match.id));
            if (s > cue.similarity) {
                cue.similarity = s;
                cue.class_id = match.id;
            }
        }
        cues.push_back(std::move(cue));
        ++row;
    }
    return cues;
}

std::vector<int> dominant_class_per_frame(const std::vector<LyricsCue>& cues, std::size_t frames,
                                          double frames_per_second) {
    if (!(frames_per_second > 0))
        fail("frames per second must be positive, got {}", frames_per_second);
    std::vector<int> dominant(frames, -1);
    for (const LyricsCue& cue : cues) {
        // First frame at or after the start; frames before the end (exclusive).
        const double first = std::ceil(cue.start_seconds * frames_per_second - 1e-9);
        const double last = std::isfinite(cue.end_seconds)
                                ? std::ceil(cue.end_seconds * frames_per_second - 1e-9)
                                : static_cast<double>(frames);
        const auto begin = static_cast<std::size_t>(std::clamp(first, 0.0, double(frames)));
        const auto end = static_cast<std::size_t>(std::clamp(last, 0.0, double(frames)));
        for (std::size_t f = begin; f < end; ++f)
            dominant[f] = cue.class_id;
    }
    return dominant;
}

}  // namespace bgv::text
