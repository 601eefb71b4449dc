#include "render/work_folder.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/file.h"

namespace bgv::render {

namespace fs = std::filesystem;

namespace {
constexpr const char* kRecordFile = "run.json";

std::string short_text(const nlohmann::json& value) {
    std::string text = value.is_null() ? "none" : value.dump();
    if (text.size() > 40)
        text = text.substr(0, 37) + "...";
    return text;
}
}  // namespace

WorkFolder::WorkFolder(const fs::path& output) : dir_(output.string() + ".partial") {}

bool WorkFolder::exists() const {
    return fs::is_directory(dir_);
}

std::optional<nlohmann::json> WorkFolder::read_record() const {
    const fs::path path = dir_ / kRecordFile;
    if (!fs::exists(path))
        return std::nullopt;
    try {
        return nlohmann::json::parse(read_file_text(path));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

void WorkFolder::start(const nlohmann::json& record) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write_file_atomic(dir_ / kRecordFile, record.dump(1) + "\n");
}

fs::path WorkFolder::segment_path(std::int64_t index) const {
    return dir_ / fmt::format("segment_{:06d}.mp4", index);
}

std::int64_t WorkFolder::finished_segments(std::int64_t total) const {
    if (!exists())
        return 0;
    for (const auto& entry : fs::directory_iterator(dir_)) {
        const std::string name = entry.path().filename().string();
        if (name.find(".tmp") != std::string::npos)
            fs::remove(entry.path());
    }
    std::int64_t finished = 0;
    while (finished < total && fs::exists(segment_path(finished)))
        ++finished;
    return finished;
}

void WorkFolder::remove() const {
    fs::remove_all(dir_);
}

std::optional<std::string> describe_difference(const nlohmann::json& before,
                                               const nlohmann::json& now) {
    for (const auto& [key, value] : now.items()) {
        const auto old = before.find(key);
        if (old == before.end())
            return fmt::format("{} is new", key);
        if (*old != value) {
            if (key.ends_with("sha256"))
                return fmt::format("{} changed", key.substr(0, key.size() - 7));
            return fmt::format("{} changed (was {}, now {})", key, short_text(*old),
                               short_text(value));
        }
    }
    for (const auto& [key, value] : before.items()) {
        if (!now.contains(key))
            return fmt::format("{} is gone", key);
    }
    return std::nullopt;
}

}  // namespace bgv::render
