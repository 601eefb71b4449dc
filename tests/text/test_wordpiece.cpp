#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file.h"
#include "text/unicode.h"
#include "text/wordpiece.h"

namespace bgv::text {
namespace {

const std::string kData = std::string(BGV_TEST_DATA) + "/text/data/";

const WordPieceTokenizer& tokenizer() {
    static const WordPieceTokenizer instance =
        WordPieceTokenizer::from_vocab_file(kData + "bert-base-uncased-vocab.txt");
    return instance;
}

TEST(WordPiece, MatchesTheReferenceTokenizerOnEveryFixtureCase) {
    const auto fixture = nlohmann::json::parse(read_file_text(kData + "wordpiece_cases.json"));
    ASSERT_GE(fixture["cases"].size(), 10u);
    for (const auto& entry : fixture["cases"]) {
        const std::string text = entry["text"];
        SCOPED_TRACE(text);
        EXPECT_EQ(tokenizer().tokenize(text), entry["tokens"].get<std::vector<std::string>>());
        EXPECT_EQ(tokenizer().encode(text), entry["input_ids"].get<std::vector<std::int32_t>>());
    }
}

TEST(WordPiece, SpecialIdsAreMiniLMs) {
    EXPECT_EQ(tokenizer().cls_id(), 101);
    EXPECT_EQ(tokenizer().sep_id(), 102);
    EXPECT_EQ(tokenizer().unk_id(), 100);
    EXPECT_EQ(tokenizer().vocab_size(), 30522u);
}

TEST(WordPiece, WordsLongerThanOneHundredCharactersAreUnknown) {
    EXPECT_NE(tokenizer().tokenize(std::string(100, 'a')).front(), "[UNK]");
    EXPECT_EQ(tokenizer().tokenize(std::string(101, 'a')), std::vector<std::string>{"[UNK]"});
}

TEST(WordPiece, EncodingIsCutAtTheTokenLimitKeepingSep) {
    std::string long_line;
    for (int i = 0; i < 400; ++i)
        long_line += "cat ";
    const auto ids = tokenizer().encode(long_line, 256);
    ASSERT_EQ(ids.size(), 256u);
    EXPECT_EQ(ids.front(), 101);
    EXPECT_EQ(ids.back(), 102);
    EXPECT_EQ(ids[254], tokenizer().id("cat"));
}

TEST(WordPiece, FoldsGreekCyrillicAndHangul) {
    // Accents and case in other scripts fold as Python's lower() + NFD would.
    EXPECT_EQ(tokenizer().tokenize("ΆΈ"), tokenizer().tokenize("αε"));
    EXPECT_EQ(lowercase(decode_utf8("ΟΔΟΣ")), decode_utf8("οδος"));
    EXPECT_EQ(strip_accents(decode_utf8("й")), decode_utf8("и"));
    EXPECT_EQ(strip_accents(decode_utf8("한")), (std::vector<char32_t>{0x1112, 0x1161, 0x11AB}));
}

TEST(WordPiece, RejectsInvalidUtf8WithItsOffset) {
    EXPECT_THROW(tokenizer().tokenize("ok \xff"), Error);
    EXPECT_EQ(find_invalid_utf8("ab\xc3"), 2u);
    EXPECT_EQ(find_invalid_utf8("\xed\xa0\x80"), 0u);  // a surrogate
    EXPECT_FALSE(find_invalid_utf8("héllo").has_value());
}

}  // namespace
}  // namespace bgv::text
