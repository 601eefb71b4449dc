// text/lyrics_classes: lyrics → ImageNet classes. Tokenizes and encodes each lyrics line once,
// the class names once (cached on disk per model), and picks classes from one similarity matrix.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "model/bert/sentence_encoder.h"
#include "text/class_selection.h"
#include "text/lyrics.h"
#include "text/wordpiece.h"

namespace bgv::text {

struct LyricsClasses {
    Lyrics lyrics;
    std::vector<ClassMatch> classes;  // the chosen classes, `count` of them
    std::size_t best_of_a_line = 0;   // how many of them are some line's best match
    std::vector<LyricsCue> cues;      // timed lyrics only: one per sung line, by start time
};

// The sentence encoder with its tokenizer and the embeddings of the 1000 class names.
class LyricsClassMatcher {
  public:
    // model_dir holds config.json, vocab.txt and model.safetensors. The class-name embeddings
    // are read from, or written to, class_cache_file, whose name the caller keys by the weights'
    // SHA-256 (store::cache_file_for); an empty path computes them every time.
    LyricsClassMatcher(runtime::Engine& engine, const std::filesystem::path& model_dir,
                       const std::filesystem::path& class_cache_file);

    // L2-normalised embeddings, one row per text (tokenized, cut at 256 tokens).
    Embeddings embed(const std::vector<std::string>& texts) const;
    const Embeddings& class_embeddings() const { return class_embeddings_; }
    const WordPieceTokenizer& tokenizer() const { return tokenizer_; }

    LyricsClasses choose(Lyrics lyrics, std::size_t count, SelectionStrategy strategy,
                         std::uint64_t seed) const;

  private:
    Embeddings load_or_compute_class_embeddings(const std::filesystem::path& cache_file) const;

    WordPieceTokenizer tokenizer_;
    bert::SentenceEncoder encoder_;
    Embeddings class_embeddings_;
};

struct LyricsClassRequest {
    std::filesystem::path lyrics_file;
    // The lyrics when the caller has read them already (to fail fast before loading a model):
    // reading the file again would print each of its warnings twice.
    std::optional<Lyrics> lyrics;
    std::filesystem::path model_dir;         // config.json, vocab.txt, model.safetensors
    std::filesystem::path class_cache_file;  // class-name embeddings; empty = no cache
    std::size_t count = 12;
    SelectionStrategy strategy = SelectionStrategy::random;
    std::uint64_t seed = 0;
};

// Reads the lyrics file (unless request.lyrics holds them), loads the encoder and chooses the
// classes: what render and the `classes` command call.
LyricsClasses classes_from_lyrics(runtime::Engine& engine, const LyricsClassRequest& request);

}  // namespace bgv::text
