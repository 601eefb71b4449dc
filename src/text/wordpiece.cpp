#include "text/wordpiece.h"

#include "core/error.h"
#include "core/file.h"
#include "text/unicode.h"

namespace bgv::text {

namespace {
constexpr std::size_t kMaxCharsPerWord = 100;  // longer words become [UNK], as in BERT

// Splits on Python's str.isspace(), as BERT's whitespace_tokenize (str.split()) does.
std::vector<std::vector<char32_t>> split_on_space(const std::vector<char32_t>& text) {
    std::vector<std::vector<char32_t>> words;
    std::vector<char32_t> current;
    for (char32_t cp : text) {
        if (is_python_space(cp)) {
            if (!current.empty())
                words.push_back(std::move(current));
            current.clear();
        } else {
            current.push_back(cp);
        }
    }
    if (!current.empty())
        words.push_back(std::move(current));
    return words;
}
}  // namespace

WordPieceTokenizer::WordPieceTokenizer(std::unordered_map<std::string, std::int32_t> id_of)
    : id_of_(std::move(id_of)) {
    cls_id_ = id("[CLS]");
    sep_id_ = id("[SEP]");
    unk_id_ = id("[UNK]");
}

WordPieceTokenizer WordPieceTokenizer::from_vocab_file(const std::filesystem::path& path) {
    return with_context(fmt::format("vocabulary {}", path.string()),
                        [&] { return from_vocab_text(read_file_text(path)); });
}

WordPieceTokenizer WordPieceTokenizer::from_vocab_text(std::string_view text) {
    std::unordered_map<std::string, std::int32_t> id_of;
    std::int32_t next_id = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view token = text.substr(pos, end - pos);
        if (!token.empty() && token.back() == '\r')
            token.remove_suffix(1);
        // BERT's load_vocab strips each line; duplicates keep their last id, as a dict would.
        id_of[std::string(token)] = next_id++;
        pos = end + 1;
    }
    if (id_of.empty())
        fail("the vocabulary is empty");
    return WordPieceTokenizer(std::move(id_of));
}

std::int32_t WordPieceTokenizer::id(const std::string& token) const {
    const auto it = id_of_.find(token);
    if (it == id_of_.end())
        fail("token '{}' is not in the vocabulary", token);
    return it->second;
}

std::vector<std::vector<char32_t>> WordPieceTokenizer::basic_tokens(std::string_view text) const {
    const std::vector<char32_t> decoded = decode_utf8(text);
    // _clean_text and _tokenize_chinese_chars in one pass.
    std::vector<char32_t> cleaned;
    cleaned.reserve(decoded.size());
    for (char32_t cp : decoded) {
        if (cp == 0 || cp == 0xFFFD || is_bert_control(cp))
            continue;
        if (is_bert_whitespace(cp)) {
            cleaned.push_back(' ');
        } else if (is_cjk_ideograph(cp)) {
            cleaned.push_back(' ');
            cleaned.push_back(cp);
            cleaned.push_back(' ');
        } else {
            cleaned.push_back(cp);
        }
    }
    std::vector<std::vector<char32_t>> tokens;
    for (const auto& word : split_on_space(cleaned)) {
        const std::vector<char32_t> folded = strip_accents(lowercase(word));
        // _run_split_on_punc: every punctuation character is a token of its own.
        std::vector<char32_t> current;
        for (char32_t cp : folded) {
            if (is_bert_punctuation(cp)) {
                if (!current.empty())
                    tokens.push_back(std::move(current));
                current.clear();
                tokens.push_back({cp});
            } else {
                current.push_back(cp);
            }
        }
        if (!current.empty())
            tokens.push_back(std::move(current));
    }
    // BERT splits the joined result on whitespace once more; folding can produce spaces only
    // through exotic decompositions, so do the same.
    std::vector<std::vector<char32_t>> result;
    for (const auto& token : tokens) {
        for (auto& piece : split_on_space(token))
            result.push_back(std::move(piece));
    }
    return result;
}

void WordPieceTokenizer::append_word_pieces(const std::vector<char32_t>& word,
                                            std::vector<std::string>& out) const {
    if (word.size() > kMaxCharsPerWord) {
        out.emplace_back("[UNK]");
        return;
    }
    std::vector<std::string> pieces;
    std::size_t start = 0;
    while (start < word.size()) {
        std::string found;
        for (std::size_t end = word.size(); end > start; --end) {
            std::string candidate = start > 0 ? "##" : "";
            for (std::size_t i = start; i < end; ++i)
                append_utf8(candidate, word[i]);
            if (id_of_.contains(candidate)) {
                found = std::move(candidate);
                start = end;
                break;
            }
        }
        if (found.empty()) {
            out.emplace_back("[UNK]");
            return;
        }
        pieces.push_back(std::move(found));
    }
    out.insert(out.end(), pieces.begin(), pieces.end());
}

std::vector<std::string> WordPieceTokenizer::tokenize(std::string_view text) const {
    std::vector<std::string> out;
    for (const auto& word : basic_tokens(text))
        append_word_pieces(word, out);
    return out;
}

std::vector<std::int32_t> WordPieceTokenizer::encode(std::string_view text,
                                                     std::size_t max_tokens) const {
    if (max_tokens < 2)
        fail("max_tokens must leave room for [CLS] and [SEP], got {}", max_tokens);
    const std::vector<std::string> pieces = tokenize(text);
    std::vector<std::int32_t> ids;
    ids.reserve(std::min(pieces.size(), max_tokens - 2) + 2);
    ids.push_back(cls_id_);
    for (std::size_t i = 0; i < pieces.size() && i + 2 < max_tokens; ++i)
        ids.push_back(id_of_.at(pieces[i]));
    ids.push_back(sep_id_);
    return ids;
}

}  // namespace bgv::text
