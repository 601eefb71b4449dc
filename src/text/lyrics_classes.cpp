#include "text/lyrics_classes.h"

#include <chrono>
#include <cmath>

#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "core/npy.h"
#include "text/class_names.h"

namespace bgv::text {

namespace {
constexpr std::size_t kMaxTokens = 256;  // sentence-transformers' max_seq_length for MiniLM

// Embeddings are L2-normalised: each row of a sound cache has norm 1 (to float rounding), and a
// NaN or a stray value would make every similarity meaningless.
void check_unit_rows(const Embeddings& embeddings) {
    for (std::size_t r = 0; r < embeddings.rows; ++r) {
        double squares = 0;
        for (std::size_t c = 0; c < embeddings.dim; ++c) {
            const float value = embeddings.row(r)[c];
            if (!std::isfinite(value))
                fail("row {} holds {}", r, value);
            squares += static_cast<double>(value) * value;
        }
        if (std::abs(std::sqrt(squares) - 1.0) > 1e-3)
            fail("row {} has norm {:.6f}, expected 1", r, std::sqrt(squares));
    }
}

void require_file(const std::filesystem::path& path) {
    if (!std::filesystem::is_regular_file(path))
        fail("{} is missing (a MiniLM folder holds config.json, vocab.txt, model.safetensors)",
             path.string());
}

WordPieceTokenizer load_tokenizer(const std::filesystem::path& model_dir) {
    require_file(model_dir / "config.json");
    require_file(model_dir / "vocab.txt");
    require_file(model_dir / "model.safetensors");
    return WordPieceTokenizer::from_vocab_file(model_dir / "vocab.txt");
}
}  // namespace

LyricsClassMatcher::LyricsClassMatcher(runtime::Engine& engine,
                                       const std::filesystem::path& model_dir,
                                       const std::filesystem::path& class_cache_file)
    : tokenizer_(load_tokenizer(model_dir)),
      encoder_(bert::SentenceEncoder::load(engine, model_dir)) {
    if (static_cast<std::int64_t>(tokenizer_.vocab_size()) != encoder_.config().vocab_size)
        fail("{}: vocab.txt has {} tokens but config.json says vocab_size {}", model_dir.string(),
             tokenizer_.vocab_size(), encoder_.config().vocab_size);
    class_embeddings_ = load_or_compute_class_embeddings(class_cache_file);
}

Embeddings LyricsClassMatcher::embed(const std::vector<std::string>& texts) const {
    std::vector<std::vector<std::int32_t>> sequences;
    sequences.reserve(texts.size());
    for (const auto& text : texts)
        sequences.push_back(tokenizer_.encode(text, kMaxTokens));
    return Embeddings{.rows = texts.size(),
                      .dim = static_cast<std::size_t>(encoder_.dim()),
                      .data = encoder_.encode(sequences)};
}

Embeddings LyricsClassMatcher::load_or_compute_class_embeddings(
    const std::filesystem::path& cache_file) const {
    const auto& names = imagenet_class_names();
    const std::vector<std::int64_t> shape = {static_cast<std::int64_t>(names.size()),
                                             encoder_.dim()};
    if (!cache_file.empty() && std::filesystem::exists(cache_file)) {
        try {
            auto cached = read_npy_f32(cache_file);
            if (cached.shape != shape)
                fail("shape {}, expected {}", shape_string(cached.shape), shape_string(shape));
            Embeddings embeddings{.rows = names.size(),
                                  .dim = static_cast<std::size_t>(encoder_.dim()),
                                  .data = std::move(cached.data)};
            check_unit_rows(embeddings);
            log::debug("class-name embeddings from {}", cache_file.string());
            return embeddings;
        } catch (const Error& e) {
            // The cache only saves time: a damaged one is replaced, never trusted.
            log::warn("class-name cache {} is unusable ({}); computing the embeddings again",
                      cache_file.string(), describe(e));
        }
    }
    const auto start = std::chrono::steady_clock::now();
    Embeddings embeddings = embed(names);
    log::info("encoded {} class names in {:.2f} s", names.size(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!cache_file.empty()) {
        try {
            std::filesystem::create_directories(cache_file.parent_path());
            write_npy(cache_file, embeddings.data, shape);
        } catch (const std::exception& e) {
            // The cache only saves time; a read-only cache folder must not stop the run.
            log::warn("cannot cache the class-name embeddings in {}: {}", cache_file.string(),
                      e.what());
        }
    }
    return embeddings;
}

LyricsClasses LyricsClassMatcher::choose(Lyrics lyrics, std::size_t count,
                                         SelectionStrategy strategy, std::uint64_t seed) const {
    std::vector<std::string> texts;
    for (const LyricsLine* line : lyrics.sung_lines())
        texts.push_back(line->text);
    const SimilarityMatrix similarity = similarity_matrix(embed(texts), class_embeddings_);
    ClassSelection selection = select_classes(similarity, count, strategy, seed);
    LyricsClasses result;
    result.cues = lyrics_cues(lyrics, similarity, selection.classes);
    result.classes = std::move(selection.classes);
    result.best_of_a_line = selection.best_of_a_line;
    result.lyrics = std::move(lyrics);
    return result;
}

LyricsClasses classes_from_lyrics(runtime::Engine& engine, const LyricsClassRequest& request) {
    Lyrics lyrics = request.lyrics ? *request.lyrics : read_lyrics_file(request.lyrics_file);
    log::info("{}: {} lyrics, {} sung line(s)", request.lyrics_file.string(),
              format_name(lyrics.format), lyrics.sung_lines().size());
    const LyricsClassMatcher matcher(engine, request.model_dir, request.class_cache_file);
    return matcher.choose(std::move(lyrics), request.count, request.strategy, request.seed);
}

}  // namespace bgv::text
