#include "text/unicode.h"

#include <algorithm>
#include <span>

#include "core/error.h"
#include "text/unicode_tables.h"

namespace bgv::text {

namespace {

bool in_ranges(std::span<const tables::CodepointRange> ranges, char32_t cp) {
    auto it = std::upper_bound(
        ranges.begin(), ranges.end(), cp,
        [](char32_t value, const tables::CodepointRange& range) { return value < range.first; });
    if (it == ranges.begin())
        return false;
    --it;
    return cp >= it->first && cp <= it->last;
}

const tables::CodepointMapping* find_mapping(std::span<const tables::CodepointMapping> mappings,
                                             char32_t cp) {
    auto it = std::lower_bound(mappings.begin(), mappings.end(), cp,
                               [](const tables::CodepointMapping& mapping, char32_t value) {
                                   return mapping.from < value;
                               });
    if (it == mappings.end() || it->from != cp)
        return nullptr;
    return &*it;
}

// Length of the UTF-8 sequence at `pos` and its code point, or 0 when it is invalid (overlong,
// surrogate, beyond U+10FFFF, truncated).
std::size_t decode_one(std::string_view bytes, std::size_t pos, char32_t& cp) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    const unsigned char lead = byte(pos);
    std::size_t length = 0;
    char32_t value = 0;
    char32_t minimum = 0;
    if (lead < 0x80) {
        cp = lead;
        return 1;
    } else if ((lead & 0xE0) == 0xC0) {
        length = 2, value = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, value = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, value = lead & 0x07, minimum = 0x10000;
    } else {
        return 0;
    }
    if (pos + length > bytes.size())
        return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(pos + i) & 0xC0) != 0x80)
            return 0;
        value = (value << 6) | (byte(pos + i) & 0x3F);
    }
    if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return 0;
    cp = value;
    return length;
}

constexpr char32_t kCapitalSigma = 0x3A3;
constexpr char32_t kFinalSigma = 0x3C2;

bool is_word_character(char32_t cp) {
    return !is_python_space(cp) && !is_bert_punctuation(cp) && !(cp >= '0' && cp <= '9');
}

constexpr tables::CodepointRange kCjkBlocks[] = {
    {0x4E00, 0x9FFF},   {0x3400, 0x4DBF},   {0x20000, 0x2A6DF}, {0x2A700, 0x2B73F},
    {0x2B740, 0x2B81F}, {0x2B820, 0x2CEAF}, {0xF900, 0xFAFF},   {0x2F800, 0x2FA1F},
};

}  // namespace

std::optional<std::size_t> find_invalid_utf8(std::string_view bytes) {
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        char32_t cp = 0;
        const std::size_t length = decode_one(bytes, pos, cp);
        if (length == 0)
            return pos;
        pos += length;
    }
    return std::nullopt;
}

std::vector<char32_t> decode_utf8(std::string_view bytes) {
    std::vector<char32_t> out;
    out.reserve(bytes.size());
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        char32_t cp = 0;
        const std::size_t length = decode_one(bytes, pos, cp);
        if (length == 0)
            fail("invalid UTF-8 at byte {}", pos);
        out.push_back(cp);
        pos += length;
    }
    return out;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string encode_utf8(const std::vector<char32_t>& cps) {
    std::string out;
    out.reserve(cps.size());
    for (char32_t cp : cps)
        append_utf8(out, cp);
    return out;
}

bool is_bert_control(char32_t cp) {
    return in_ranges({tables::control, tables::control_size}, cp);
}

bool is_bert_whitespace(char32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
           in_ranges({tables::space_separator, tables::space_separator_size}, cp);
}

bool is_python_space(char32_t cp) {
    return in_ranges({tables::python_space, tables::python_space_size}, cp);
}

bool is_bert_punctuation(char32_t cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
        (cp >= 123 && cp <= 126))
        return true;
    return in_ranges({tables::punctuation, tables::punctuation_size}, cp);
}

bool is_cjk_ideograph(char32_t cp) {
    return std::any_of(std::begin(kCjkBlocks), std::end(kCjkBlocks),
                       [cp](const auto& block) { return cp >= block.first && cp <= block.last; });
}

bool is_nonspacing_mark(char32_t cp) {
    return in_ranges({tables::nonspacing_mark, tables::nonspacing_mark_size}, cp);
}

std::vector<char32_t> lowercase(const std::vector<char32_t>& word) {
    std::vector<char32_t> out;
    out.reserve(word.size());
    for (std::size_t i = 0; i < word.size(); ++i) {
        const char32_t cp = word[i];
        // Python lowers a capital sigma that ends a word to the final form. "Ends a word" is
        // approximated here as: a letter before it and none after it.
        if (cp == kCapitalSigma) {
            const bool after_letter = i > 0 && is_word_character(word[i - 1]);
            const bool before_letter = i + 1 < word.size() && is_word_character(word[i + 1]);
            if (after_letter && !before_letter) {
                out.push_back(kFinalSigma);
                continue;
            }
        }
        if (const auto* mapping = find_mapping({tables::lowercase, tables::lowercase_size}, cp)) {
            out.insert(out.end(), mapping->to, mapping->to + mapping->length);
        } else {
            out.push_back(cp);
        }
    }
    return out;
}

std::vector<char32_t> strip_accents(const std::vector<char32_t>& word) {
    constexpr char32_t kHangulFirst = 0xAC00, kHangulLast = 0xD7A3;
    constexpr char32_t kLeadBase = 0x1100, kVowelBase = 0x1161, kTrailBase = 0x11A7;
    constexpr char32_t kVowelCount = 21, kTrailCount = 28;
    std::vector<char32_t> out;
    out.reserve(word.size());
    for (char32_t cp : word) {
        if (cp >= kHangulFirst && cp <= kHangulLast) {
            // Hangul syllables decompose arithmetically into their jamo (Unicode 3.12).
            const char32_t index = cp - kHangulFirst;
            out.push_back(kLeadBase + index / (kVowelCount * kTrailCount));
            out.push_back(kVowelBase + (index % (kVowelCount * kTrailCount)) / kTrailCount);
            if (index % kTrailCount != 0)
                out.push_back(kTrailBase + index % kTrailCount);
        } else if (is_nonspacing_mark(cp)) {
            continue;
        } else if (const auto* mapping =
                       find_mapping({tables::strip_accents, tables::strip_accents_size}, cp)) {
            out.insert(out.end(), mapping->to, mapping->to + mapping->length);
        } else {
            out.push_back(cp);
        }
    }
    return out;
}

}  // namespace bgv::text
