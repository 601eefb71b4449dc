// checkpoint/mapped_file: a whole file mapped read-only into memory, so that loading a 200 MB
// checkpoint copies each tensor once (from the page cache into its float32 buffer) and no more.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

namespace bgv::checkpoint {

// Weights files are replaced by rename (store/ writes them atomically), never rewritten in place,
// so the mapping cannot shrink under the reader.
class MappedFile {
  public:
    explicit MappedFile(const std::filesystem::path& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::span<const std::byte> bytes() const {
        return {static_cast<const std::byte*>(data_), size_};
    }

  private:
    void* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace bgv::checkpoint
