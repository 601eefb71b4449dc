#include <gtest/gtest.h>

#include <string>

#include "core/file.h"
#include "core/sha256.h"

namespace bgv {
namespace {

std::string hash_text(const std::string& text) {
    return sha256_hex(std::as_bytes(std::span(text.data(), text.size())));
}

TEST(Sha256, MatchesFips180Vectors) {
    EXPECT_EQ(hash_text(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(hash_text("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hash_text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(hash_text(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalUpdatesAndFilesAgree) {
    const std::string text(200, 'x');
    Sha256 pieces;
    for (std::size_t at = 0; at < text.size(); at += 7) {
        const std::string part = text.substr(at, 7);
        pieces.update(std::as_bytes(std::span(part.data(), part.size())));
    }
    EXPECT_EQ(pieces.hex_digest(), hash_text(text));
    const auto path = std::filesystem::temp_directory_path() / "bgv_sha256_test.txt";
    write_file_atomic(path, text);
    EXPECT_EQ(sha256_file_hex(path), hash_text(text));
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace bgv
