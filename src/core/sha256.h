// core/sha256: SHA-256 (FIPS 180-4) of bytes and of files, as lowercase hex, for cache keys and
// download checks in modules that may not link a crypto library.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace bgv {

class Sha256 {
  public:
    Sha256();
    void update(std::span<const std::byte> bytes);
    // The digest as 64 lowercase hex digits; the object must not be updated afterwards.
    std::string hex_digest();

  private:
    void compress(const std::uint8_t* block);
    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t total_bytes_ = 0;
};

std::string sha256_hex(std::span<const std::byte> bytes);
std::string sha256_file_hex(const std::filesystem::path& path);

}  // namespace bgv
