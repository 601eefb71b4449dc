// render/work_folder: the unfinished render beside its output, "<output>.partial/": its plan, the
// owner's files (render/owner) and the finished pieces of video (segment_000000.mp4, or .mov, .mkv
// as the codec's pieces are written), each renamed into place only when complete and followed by
// its proof (segment_000000.json).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace bgv::render {

class WorkFolder {
  public:
    // `piece_extension`: the codec's (video::piece_extension).
    explicit WorkFolder(const std::filesystem::path& output,
                        std::string_view piece_extension = ".mp4");

    const std::filesystem::path& dir() const { return dir_; }
    bool exists() const;
    // True when the folder is missing or holds nothing but the owner's files.
    bool empty() const;

    // Empties the folder for a new render, keeping only the owner's files and the plan's lock
    // (held by whoever clears it).
    void clear() const;
    // Removes the leftovers of interrupted writes (*.tmp*); only while no other process renders.
    void remove_leftovers() const;

    std::filesystem::path piece_path(std::int64_t index) const;
    std::filesystem::path piece_record_path(std::int64_t index) const;
    // Where the joined video is written before it is renamed to the output's name.
    std::filesystem::path assembled_path() const {
        return dir_ / ("assembled" + output_extension_);
    }
    // The locks of the steps only one process does (farm/job_lock): making the plan, assembling.
    std::filesystem::path plan_lock_path() const { return dir_ / "plan.lock"; }
    std::filesystem::path assembly_lock_path() const { return dir_ / "assemble.lock"; }
    // The claims on the pieces and their reports (farm/piece_claims).
    std::filesystem::path claims_dir() const { return dir_ / "claims"; }

    // Removes the folder and everything in it (the render is finished).
    void remove() const;

  private:
    std::filesystem::path dir_;
    std::string piece_extension_;
    std::string output_extension_;
};

}  // namespace bgv::render
