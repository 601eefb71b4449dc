#include "store/sha256.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <vector>

#include "core/error.h"

namespace bgv::store {

struct Sha256::Context {
    EVP_MD_CTX* md = nullptr;
    ~Context() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
    context_->md = EVP_MD_CTX_new();
    if (context_->md == nullptr || EVP_DigestInit_ex(context_->md, EVP_sha256(), nullptr) != 1) {
        fail("OpenSSL: cannot start a SHA-256 digest");
    }
}

Sha256::~Sha256() = default;

void Sha256::update(std::span<const std::byte> bytes) {
    if (EVP_DigestUpdate(context_->md, bytes.data(), bytes.size()) != 1)
        fail("OpenSSL: SHA-256 update failed");
}

std::string Sha256::hex_digest() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context_->md, digest.data(), &length) != 1)
        fail("OpenSSL: SHA-256 final failed");
    std::string hex;
    hex.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i)
        hex += fmt::format("{:02x}", digest[i]);
    return hex;
}

std::string sha256_hex(std::span<const std::byte> bytes) {
    Sha256 hasher;
    hasher.update(bytes);
    return hasher.hex_digest();
}

std::string sha256_file(const std::filesystem::path& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr)
        fail("cannot open {} to hash it", path.string());
    Sha256 hasher;
    std::vector<std::byte> buffer(1 << 20);
    std::size_t got = 0;
    while ((got = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) {
        hasher.update(std::span(buffer.data(), got));
    }
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed)
        fail("cannot read {} to hash it", path.string());
    return hasher.hex_digest();
}

}  // namespace bgv::store
