#include "core/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "core/error.h"

namespace bgv {

namespace fs = std::filesystem;

namespace {
std::ifstream open_for_reading(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        fail("{}: is a directory, expected a file", path.string());
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail("{}: cannot open: {}", path.string(), std::strerror(errno));
    return in;
}
}  // namespace

std::vector<std::byte> read_file_bytes(const fs::path& path) {
    std::ifstream in = open_for_reading(path);
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::size_t>(in.tellg());
    in.seekg(0);
    std::vector<std::byte> bytes(size);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) {
        fail("{}: read failed", path.string());
    }
    return bytes;
}

std::string read_file_text(const fs::path& path) {
    std::ifstream in = open_for_reading(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
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
