#include "checkpoint/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace bgv::checkpoint {

MappedFile::MappedFile(const std::filesystem::path& path) {
    // O_NONBLOCK: opening a FIFO given as a checkpoint must fail below, not wait for a writer.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        fail("{}: cannot open: {}", path.string(), std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        fail("{}: not a regular file", path.string());
    }
    size_ = static_cast<std::size_t>(info.st_size);
    if (size_ > 0) {
        data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (data_ == MAP_FAILED) {
            const int error = errno;
            ::close(fd);
            data_ = nullptr;
            fail("{}: cannot map: {}", path.string(), std::strerror(error));
        }
        ::madvise(data_, size_, MADV_SEQUENTIAL | MADV_WILLNEED);
    }
    ::close(fd);
}

MappedFile::~MappedFile() {
    if (data_ != nullptr)
        ::munmap(data_, size_);
}

}  // namespace bgv::checkpoint
