// cli/output_folder: a set of output files that appear together or not at all. Files are written
// into a staging folder inside the target folder and moved into place only when every one of them
// is complete; on failure nothing new is left behind (not even a folder this run created).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace bgv::cli {

class OutputFolder {
  public:
    // Creates `folder` if needed (remembering whether it did) and a staging folder inside it.
    explicit OutputFolder(std::filesystem::path folder);
    ~OutputFolder();
    OutputFolder(const OutputFolder&) = delete;
    OutputFolder& operator=(const OutputFolder&) = delete;

    // Where to write the file `name` before commit().
    std::filesystem::path staged(const std::string& name);
    // Moves every staged file into the folder. If a move fails, the ones already moved are
    // removed again and the error propagates.
    void commit();

    const std::filesystem::path& folder() const { return folder_; }

  private:
    std::filesystem::path folder_;
    std::filesystem::path staging_;
    std::vector<std::string> names_;
    bool created_folder_ = false;
    bool committed_ = false;
};

}  // namespace bgv::cli
