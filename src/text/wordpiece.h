// text/wordpiece: BERT's uncased tokenizer (clean text, split CJK characters and punctuation,
// lower-case, strip accents, greedy longest-match word pieces), producing the ids MiniLM reads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bgv::text {

class WordPieceTokenizer {
  public:
    // vocab.txt: one token per line, the id is the line number (from 0).
    static WordPieceTokenizer from_vocab_file(const std::filesystem::path& path);
    static WordPieceTokenizer from_vocab_text(std::string_view text);

    // The word pieces of `text` ("coconut", "##s", "[UNK]"), without [CLS] and [SEP].
    std::vector<std::string> tokenize(std::string_view text) const;
    // [CLS] pieces [SEP] as ids, cut so that the result has at most `max_tokens` ids (the
    // sentence-transformers wrapper of MiniLM uses 256).
    std::vector<std::int32_t> encode(std::string_view text, std::size_t max_tokens = 256) const;

    std::int32_t id(const std::string& token) const;  // throws when `token` is not in the vocab
    std::size_t vocab_size() const { return id_of_.size(); }
    std::int32_t cls_id() const { return cls_id_; }
    std::int32_t sep_id() const { return sep_id_; }
    std::int32_t unk_id() const { return unk_id_; }

  private:
    explicit WordPieceTokenizer(std::unordered_map<std::string, std::int32_t> id_of);
    // BERT's BasicTokenizer: whitespace and punctuation split words, lower-cased, accents stripped.
    std::vector<std::vector<char32_t>> basic_tokens(std::string_view text) const;
    void append_word_pieces(const std::vector<char32_t>& word, std::vector<std::string>& out) const;

    std::unordered_map<std::string, std::int32_t> id_of_;
    std::int32_t cls_id_ = 0, sep_id_ = 0, unk_id_ = 0;
};

}  // namespace bgv::text
