// text/unicode_tables: the Unicode properties the BERT tokenizer needs, generated from Python's
// unicodedata (tools/gen_unicode_tables.py) so that the C++ tokenizer answers exactly as the
// reference.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bgv::text::tables {

struct CodepointRange {
    std::uint32_t first;
    std::uint32_t last;  // inclusive
};

// A code point and what it maps to (up to four code points; zero means "drop it").
struct CodepointMapping {
    std::uint32_t from;
    std::uint8_t length;
    std::uint32_t to[4];
};

extern const char* const unicode_version;

// Sorted, disjoint ranges.
extern const CodepointRange control[];  // category C*, except tab, newline, carriage return
extern const std::size_t control_size;
extern const CodepointRange space_separator[];  // category Zs
extern const std::size_t space_separator_size;
extern const CodepointRange python_space[];  // str.isspace()
extern const std::size_t python_space_size;
extern const CodepointRange punctuation[];  // category P*
extern const std::size_t punctuation_size;
extern const CodepointRange nonspacing_mark[];  // category Mn
extern const std::size_t nonspacing_mark_size;

// Sorted by `from`.
extern const CodepointMapping lowercase[];  // str.lower() of one character, where it changes
extern const std::size_t lowercase_size;
extern const CodepointMapping strip_accents[];  // NFD without Mn, where it changes (no Hangul)
extern const std::size_t strip_accents_size;

}  // namespace bgv::text::tables
