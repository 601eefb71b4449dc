// checkpoint/zip_reader: the few parts of the zip format that torch.save archives use: the
// central directory (zip64 included, for checkpoints over 4 GiB) and stored, uncompressed entries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bgv::checkpoint {

struct ZipEntry {
    std::string name;
    std::uint16_t method = 0;  // 0 = stored; anything else cannot be read by data()
    std::uint64_t size = 0;    // bytes in the archive
    std::uint64_t data_offset = 0;
};

// A view over the bytes of a whole archive; every offset and size is checked against them when
// the directory is read, so data() never reads outside.
class ZipArchive {
  public:
    explicit ZipArchive(std::span<const std::byte> bytes);

    const std::vector<ZipEntry>& entries() const { return entries_; }
    const ZipEntry* find(std::string_view name) const;
    // The entry's bytes; fails for compressed or encrypted entries.
    std::span<const std::byte> data(const ZipEntry& entry) const;

  private:
    std::span<const std::byte> bytes_;
    std::vector<ZipEntry> entries_;
};

bool is_zip(std::span<const std::byte> bytes);

}  // namespace bgv::checkpoint
