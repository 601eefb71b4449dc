// text/class_selection: picks ImageNet classes from the similarity of lyrics lines to class names
// (pure functions of embeddings), and the per-line cues that let timed lyrics steer the video.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "text/lyrics.h"

namespace bgv::text {

// Row-major rows × dim matrix of L2-normalised sentence embeddings.
struct Embeddings {
    std::size_t rows = 0;
    std::size_t dim = 0;
    std::vector<float> data;
    const float* row(std::size_t i) const { return data.data() + i * dim; }
};

// lines × classes dot products (cosine similarities of normalised embeddings).
struct SimilarityMatrix {
    std::size_t lines = 0;
    std::size_t classes = 0;
    std::vector<float> data;
    float at(std::size_t line, std::size_t class_id) const {
        return data[line * classes + class_id];
    }
};

SimilarityMatrix similarity_matrix(const Embeddings& lines, const Embeddings& classes);

enum class SelectionStrategy { best, random };
SelectionStrategy parse_strategy(const std::string& name);  // "best" | "random"

struct ClassMatch {
    int id = 0;
    float similarity = 0;  // the highest similarity of any line to this class
};

struct ClassSelection {
    std::vector<ClassMatch> classes;
    // How many of `classes` are some line's best match; the rest filled with next best matches.
    std::size_t best_of_a_line = 0;
};

// best: the classes that are some line's best match, by their similarity, distinct. random: a
// seeded sample of `count` of them (in draw order). When fewer distinct classes are some line's
// best match than `count`, the rest is filled with the classes of highest similarity to any line,
// and a warning says so. Never fewer than min(count, classes) results.
ClassSelection select_classes(const SimilarityMatrix& similarity, std::size_t count,
                              SelectionStrategy strategy, std::uint64_t seed);

// For timed lyrics: while a line is sung, its class dominates the class vector.
struct LyricsCue {
    double start_seconds = 0;
    double end_seconds = 0;  // the next line's start (or the SRT end); +infinity for the last
    int class_id = 0;        // one of the chosen classes: the one most similar to this line
    float similarity = 0;
    std::string text;
};

// One cue per sung line of `lyrics` (timed only; empty for plain lyrics), sorted by start time.
// `similarity` rows are the sung lines in order (Lyrics::sung_lines()).
std::vector<LyricsCue> lyrics_cues(const Lyrics& lyrics, const SimilarityMatrix& similarity,
                                   const std::vector<ClassMatch>& chosen);

}  // namespace bgv::text
