// text/unicode: UTF-8 decoding and the character classes of BERT's basic tokenizer (control,
// whitespace, punctuation, CJK, lower-casing and accent stripping), as Python's unicodedata
// answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgv::text {

// Decodes UTF-8; throws bgv::Error naming the byte offset of the first invalid sequence.
std::vector<char32_t> decode_utf8(std::string_view bytes);
// The offset of the first byte that is not part of valid UTF-8, or nullopt when all of it is.
std::optional<std::size_t> find_invalid_utf8(std::string_view bytes);
void append_utf8(std::string& out, char32_t cp);
std::string encode_utf8(const std::vector<char32_t>& cps);

// BERT's _is_control: category C* but not tab, newline or carriage return.
bool is_bert_control(char32_t cp);
// BERT's _is_whitespace: space, tab, newline, carriage return or category Zs.
bool is_bert_whitespace(char32_t cp);
// Python's str.isspace(), which str.split() splits on.
bool is_python_space(char32_t cp);
// BERT's _is_punctuation: ASCII 33-47, 58-64, 91-96, 123-126, or category P*.
bool is_bert_punctuation(char32_t cp);
// BERT's _is_chinese_char: the CJK Unified Ideographs blocks.
bool is_cjk_ideograph(char32_t cp);
bool is_nonspacing_mark(char32_t cp);

// str.lower() of a whole word (full case mapping, with Greek final sigma).
std::vector<char32_t> lowercase(const std::vector<char32_t>& word);
// unicodedata.normalize("NFD", ...) with every Mn character removed.
std::vector<char32_t> strip_accents(const std::vector<char32_t>& word);

}  // namespace bgv::text
