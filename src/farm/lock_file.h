// farm/lock_file: what the farm's locks share: a lock taken on a file that was removed or replaced
// meanwhile (its folder emptied by a fresh start, or removed after the video was assembled) guards
// nothing, so every lock is checked to still be the file under its name once it is held.
#pragma once

#include <filesystem>

namespace bgv::farm {

// True while the open descriptor `fd` is the file named `path`.
bool still_at(int fd, const std::filesystem::path& path);

}  // namespace bgv::farm
