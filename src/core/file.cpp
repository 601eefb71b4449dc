#include "core/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/error.h"

namespace bgv {

namespace fs = std::filesystem;

namespace {
std::string file_kind(fs::file_type type) {
    switch (type) {
        case fs::file_type::directory:
            return "a directory";
        case fs::file_type::character:
            return "a character device";
        case fs::file_type::block:
            return "a block device";
        case fs::file_type::fifo:
            return "a pipe";
        case fs::file_type::socket:
            return "a socket";
        default:
            return "not a regular file";
    }
}

// Reads at most `size` + 1 bytes, so that a file that grew since it was measured is noticed.
template <typename Buffer>
Buffer read_whole(const fs::path& path, std::uint64_t max_bytes) {
    const std::uint64_t size = check_readable_file(path, max_bytes);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail("{}: cannot open: {}", path.string(), std::strerror(errno));
    Buffer buffer(static_cast<std::size_t>(size), {});
    in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(size));
    if (static_cast<std::uint64_t>(in.gcount()) != size)
        fail("{}: read failed after {} of {} bytes (did the file shrink?)", path.string(),
             in.gcount(), size);
    if (in.peek() != std::ifstream::traits_type::eof())
        fail("{}: the file grew while it was read", path.string());
    return buffer;
}
}  // namespace

std::uint64_t check_readable_file(const fs::path& path, std::uint64_t max_bytes,
                                  std::string_view what) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
        fail("{}: cannot open: {}", path.string(),
             ec ? ec.message() : std::string("No such file or directory"));
    }
    if (!fs::is_regular_file(status))
        fail("{}: is {}, expected a {}", path.string(), file_kind(status.type()), what);
    const std::uint64_t size = fs::file_size(path, ec);
    if (ec)
        fail("{}: cannot read its size: {}", path.string(), ec.message());
    if (size > max_bytes)
        fail("{}: is {} bytes, more than the {} bytes a {} may have", path.string(), size,
             max_bytes, what);
    return size;
}

void check_is_file(const fs::path& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status))
        fail("{}: no such file", path.string());
    if (!fs::is_regular_file(status))
        fail("{}: is not a file", path.string());
}

std::vector<std::byte> read_file_bytes(const fs::path& path, std::uint64_t max_bytes) {
    return read_whole<std::vector<std::byte>>(path, max_bytes);
}

std::string read_file_text(const fs::path& path, std::uint64_t max_bytes) {
    return read_whole<std::string>(path, max_bytes);
}

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
    temp_ = target_;
    temp_ += ".tmp-" + std::to_string(::getpid());
    if (target_.has_parent_path()) {
        std::error_code ec;
        fs::create_directories(target_.parent_path(), ec);
    }
    file_ = std::fopen(temp_.c_str(), "wb");
    if (file_ == nullptr)
        fail("{}: cannot create: {}", temp_.string(), std::strerror(errno));
}

AtomicFile::~AtomicFile() {
    if (file_ != nullptr) {
        std::fclose(file_);
        std::error_code ec;
        fs::remove(temp_, ec);
    }
}

void AtomicFile::write(std::span<const std::byte> bytes) {
    if (file_ == nullptr)
        fail("{}: write after commit", target_.string());
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
        fail("{}: write failed: {}", temp_.string(), std::strerror(errno));
    }
}

void AtomicFile::write(std::string_view text) {
    write(std::as_bytes(std::span(text.data(), text.size())));
}

void AtomicFile::commit() {
    if (file_ == nullptr)
        fail("{}: committed twice", target_.string());
    const bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
    const int saved_errno = errno;
    std::fclose(file_);
    file_ = nullptr;
    std::error_code ec;
    if (!ok) {
        fs::remove(temp_, ec);
        fail("{}: write failed: {}", temp_.string(), std::strerror(saved_errno));
    }
    fs::rename(temp_, target_, ec);
    if (ec) {
        fs::remove(temp_, ec);
        fail("{}: cannot rename into place: {}", target_.string(), ec.message());
    }
}

void write_file_atomic(const fs::path& path, std::string_view text) {
    AtomicFile file(path);
    file.write(text);
    file.commit();
}

void sync_file(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0)
        fail("{}: cannot open to sync", path.string());
    const int status = ::fsync(fd);
    ::close(fd);
    if (status != 0)
        fail("{}: cannot sync to disk", path.string());
}

void sync_directory(const fs::path& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace bgv
