#include "render/work_folder.h"

#include <fmt/format.h>
#include <unistd.h>

#include "render/owner.h"

namespace bgv::render {

namespace fs = std::filesystem;

WorkFolder::WorkFolder(const fs::path& output, std::string_view piece_extension)
    : dir_(output.string() + ".partial"),
      piece_extension_(piece_extension),
      output_extension_(output.extension().string()) {}

bool WorkFolder::exists() const {
    return fs::is_directory(dir_);
}

bool WorkFolder::empty() const {
    if (!exists())
        return true;
    for (const auto& entry : fs::directory_iterator(dir_)) {
        if (!is_owner_file(entry.path().filename().string()) && entry.path() != plan_lock_path())
            return false;
    }
    return true;
}

void WorkFolder::clear() const {
    fs::create_directories(dir_);
    for (const auto& entry : fs::directory_iterator(dir_)) {
        if (!is_owner_file(entry.path().filename().string()) && entry.path() != plan_lock_path())
            fs::remove_all(entry.path());
    }
}

void WorkFolder::remove_leftovers() const {
    if (!exists())
        return;
    for (const auto& entry : fs::directory_iterator(dir_)) {
        if (entry.path().filename().string().find(".tmp") != std::string::npos)
            fs::remove(entry.path());
    }
}

fs::path WorkFolder::piece_path(std::int64_t index) const {
    return dir_ / fmt::format("segment_{:06d}{}", index, piece_extension_);
}

fs::path WorkFolder::piece_record_path(std::int64_t index) const {
    return dir_ / fmt::format("segment_{:06d}.json", index);
}

void WorkFolder::remove() const {
    // Renamed away first, in one step: a render that starts on the same output meanwhile makes a
    // fresh folder of that name instead of losing its files to this removal.
    const fs::path gone = dir_.string() + fmt::format(".removed-{}", ::getpid());
    std::error_code error;
    fs::rename(dir_, gone, error);
    fs::remove_all(error ? dir_ : gone);
}

}  // namespace bgv::render
