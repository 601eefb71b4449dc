#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "store/sha256.h"

namespace {

std::span<const std::byte> bytes_of(const std::string& text) {
    return std::as_bytes(std::span(text.data(), text.size()));
}

// Test vectors from FIPS 180-2, appendix B.
TEST(Sha256, MatchesTheStandardsVectors) {
    EXPECT_EQ(bgv::store::sha256_hex(bytes_of("abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(bgv::store::sha256_hex(bytes_of("")),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(bgv::store::sha256_hex(
                  bytes_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, IncrementalAndFileDigestsAgree) {
    std::string text(3'000'001, '\0');
    for (std::size_t i = 0; i < text.size(); ++i)
        text[i] = static_cast<char>((i * 7919) >> 3);
    bgv::store::Sha256 hasher;
    for (std::size_t at = 0; at < text.size(); at += 65537)
        hasher.update(bytes_of(text.substr(at, 65537)));
    const std::string whole = bgv::store::sha256_hex(bytes_of(text));
    EXPECT_EQ(hasher.hex_digest(), whole);

    const auto path = std::filesystem::temp_directory_path() /
                      ("bgv-sha256-" + std::to_string(::getpid()) + ".bin");
    std::ofstream(path, std::ios::binary).write(text.data(), static_cast<long>(text.size()));
    EXPECT_EQ(bgv::store::sha256_file(path), whole);
    std::filesystem::remove(path);
}

}  // namespace
