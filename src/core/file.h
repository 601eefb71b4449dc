// core/file: whole-file reads and crash-safe writes. A file written through AtomicFile appears
// under its name complete or not at all, so no reader ever sees half an output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bgv {

// Files the user hands us are read whole, so each read has a size bound: a device such as
// /dev/zero, a FIFO or a file above `max_bytes` is refused with one line before any is read.
inline constexpr std::uint64_t kMaxReadBytes = std::uint64_t{64} << 20;

std::vector<std::byte> read_file_bytes(const std::filesystem::path& path,
                                       std::uint64_t max_bytes = kMaxReadBytes);
std::string read_file_text(const std::filesystem::path& path,
                           std::uint64_t max_bytes = kMaxReadBytes);

// Throws unless `path` is a regular file of at most `max_bytes` bytes; returns its size. `what`
// names the file's role in the message ("lyrics file"; "file" when empty).
std::uint64_t check_readable_file(const std::filesystem::path& path, std::uint64_t max_bytes,
                                  std::string_view what = "file");

// Throws "PATH: no such file" or "PATH: is not a file" unless `path` names a regular file: the
// first check of a song or a sound file given on the command line, before anything slow.
void check_is_file(const std::filesystem::path& path);

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
