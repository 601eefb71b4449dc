#include "farm/lock_file.h"

#include <sys/stat.h>

namespace bgv::farm {

bool still_at(int fd, const std::filesystem::path& path) {
    struct stat held {
    }, named{};
    if (::fstat(fd, &held) != 0 || ::stat(path.c_str(), &named) != 0)
        return false;
    return held.st_ino == named.st_ino && held.st_dev == named.st_dev;
}

}  // namespace bgv::farm
