// core/file: whole-file reads and crash-safe writes. A file written through AtomicFile appears
// under its name complete or not at all, so no reader ever sees half an output.
#pragma once

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bgv {

std::vector<std::byte> read_file_bytes(const std::filesystem::path& path);
std::string read_file_text(const std::filesystem::path& path);

// Writes to "<name>.tmp-<pid>" beside the target; commit() flushes, fsyncs and renames it into
// place. Destroyed without commit() (an exception on the way), the temporary file is removed.
class AtomicFile {
  public:
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::span<const std::byte> bytes);
    void write(std::string_view text);
    void commit();
    const std::filesystem::path& temp_path() const { return temp_; }

  private:
    std::filesystem::path target_;
    std::filesystem::path temp_;
    std::FILE* file_ = nullptr;
};

void write_file_atomic(const std::filesystem::path& path, std::string_view text);

// Data written before a rename must be on disk first, or a power cut can leave a complete-looking
// name over an empty file (fails when the file cannot be synced).
void sync_file(const std::filesystem::path& path);
// A rename is on disk only once its folder is synced (best effort: some file systems refuse to
// open folders).
void sync_directory(const std::filesystem::path& dir);

}  // namespace bgv
