// Lyrics parsing and the WordPiece tokenizer on arbitrary bytes: only bgv::Error may come out
// (empty, binary, non-UTF-8, no lyrics), and every line that is parsed must tokenize.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "text/lyrics.h"
#include "text/wordpiece.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto tokenizer = [] {
        bgv::log::set_level(bgv::log::Level::quiet);
        return bgv::text::WordPieceTokenizer::from_vocab_file(BGV_FUZZ_VOCAB);
    }();
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        const auto lyrics = bgv::text::parse_lyrics(bytes, "fuzz");
        for (const auto* line : lyrics.sung_lines()) {
            const auto ids = tokenizer.encode(line->text);
            if (ids.size() < 2 || ids.size() > 256)
                __builtin_trap();
        }
    } catch (const bgv::Error&) {
    }
    return 0;
}
