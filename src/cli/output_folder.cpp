#include "cli/output_folder.h"

#include <unistd.h>

#include <system_error>

#include "core/error.h"

namespace bgv::cli {

OutputFolder::OutputFolder(std::filesystem::path folder) : folder_(std::move(folder)) {
    std::error_code error;
    if (std::filesystem::exists(folder_, error) && !std::filesystem::is_directory(folder_, error))
        fail("{}: exists and is not a folder", folder_.string());
    created_folder_ = std::filesystem::create_directories(folder_, error);
    if (error)
        fail("cannot create output folder {}: {}", folder_.string(), error.message());
    staging_ = folder_ / (".staging-" + std::to_string(::getpid()));
    std::filesystem::create_directory(staging_, error);
    if (error) {
        if (created_folder_)
            std::filesystem::remove(folder_, error);
        fail("cannot write in output folder {}: {}", folder_.string(), error.message());
    }
}

OutputFolder::~OutputFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(staging_, ignored);
    if (!committed_ && created_folder_)
        std::filesystem::remove(folder_, ignored);  // only succeeds while empty
}

std::filesystem::path OutputFolder::staged(const std::string& name) {
    names_.push_back(name);
    return staging_ / name;
}

void OutputFolder::commit() {
    std::error_code error;
    for (std::size_t i = 0; i < names_.size(); ++i) {
        std::filesystem::rename(staging_ / names_[i], folder_ / names_[i], error);
        if (error) {
            std::error_code ignored;
            for (std::size_t j = 0; j < i; ++j)
                std::filesystem::remove(folder_ / names_[j], ignored);
            fail("cannot move {} into {}: {}", names_[i], folder_.string(), error.message());
        }
    }
    committed_ = true;
}

}  // namespace bgv::cli
