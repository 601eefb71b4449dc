// render/work_folder: the unfinished render beside its output, "<output>.partial/": the run record
// that says what is being rendered, and the finished pieces of video (segment_000000.mp4, ...),
// each renamed into place only when complete. A partial output never has the output's name.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

namespace bgv::render {

class WorkFolder {
  public:
    explicit WorkFolder(const std::filesystem::path& output);

    const std::filesystem::path& dir() const { return dir_; }
    bool exists() const;

    // The record of the unfinished render, if there is a readable one.
    std::optional<nlohmann::json> read_record() const;
    // Empties the folder and writes `record` into it.
    void start(const nlohmann::json& record);

    std::filesystem::path segment_path(std::int64_t index) const;
    // How many pieces from the first on are finished (stops at the first missing one); leftovers
    // of an interrupted piece (*.tmp) are removed.
    std::int64_t finished_segments(std::int64_t total) const;
    // Where the joined video is written before it is renamed to the output's name.
    std::filesystem::path assembled_path() const { return dir_ / "assembled.mp4"; }

    void remove() const;

  private:
    std::filesystem::path dir_;
};

// The first entry that differs between two run identities, as "truncation changed (was 1, now
// 0.5)"; nothing when they are equal.
std::optional<std::string> describe_difference(const nlohmann::json& before,
                                               const nlohmann::json& now);

}  // namespace bgv::render
