// store/sha256: SHA-256 digests (OpenSSL's EVP interface) of byte streams and files, as the
// lowercase hex text that sha256sum prints and the store records beside each downloaded file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace bgv::store {

// Incremental hasher: update() any number of times, then hex_digest() once.
class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(std::span<const std::byte> bytes);
    std::string hex_digest();

  private:
    struct Context;
    std::unique_ptr<Context> context_;
};

std::string sha256_hex(std::span<const std::byte> bytes);
std::string sha256_file(const std::filesystem::path& path);

}  // namespace bgv::store
