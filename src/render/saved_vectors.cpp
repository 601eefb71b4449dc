#include "render/saved_vectors.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "choreo/checks.h"
#include "core/error.h"
#include "core/file.h"
#include "core/json.h"
#include "core/log.h"
#include "core/npy.h"

namespace bgv::render {

namespace fs = std::filesystem;

namespace {
// Moves `from` onto `to` in one step: swapped with an existing folder, or named when there is none.
// Returns true when an old set was swapped out to `from`.
bool switch_folders(const fs::path& from, const fs::path& to) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
            return false;
        if (errno != EEXIST)
            break;
        if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_EXCHANGE) == 0)
            return true;
        if (errno != ENOENT)  // ENOENT: the old set went away in between; name ours again
            break;
    }
    if (errno == EINVAL || errno == ENOSYS) {
        // A file system without renameat2's flags: rename over an emptied name, not atomic.
        std::error_code ignored;
        const fs::path old = from.string() + ".old";
        fs::rename(to, old, ignored);
        fs::rename(from, to);
        fs::rename(old, from, ignored);
        return fs::exists(from);
    }
    fail("{}: cannot switch in the new set: {}", to.string(), std::strerror(errno));
}
}  // namespace

void save_vector_set(const fs::path& dir, const fs::path& noise, const fs::path& classes,
                     const nlohmann::json& record) {
    const fs::path target = dir.lexically_normal().has_filename()
                                ? dir.lexically_normal()
                                : dir.lexically_normal().parent_path();
    if (fs::exists(target) && !fs::is_directory(target))
        fail("{}: is not a folder; the saved vectors go into a folder", target.string());
    const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
    fs::create_directories(parent);
    const fs::path fresh =
        parent / fmt::format(".{}.new-{}", target.filename().string(), ::getpid());
    fs::remove_all(fresh);
    fs::create_directory(fresh);
    try {
        for (const auto& [from, name] :
             {std::pair{classes, kClassVectorsFile}, std::pair{noise, kNoiseVectorsFile}}) {
            fs::copy_file(from, fresh / name);
            sync_file(fresh / name);
        }
        write_file_atomic(fresh / kSavedRecordFile, record.dump(1) + "\n");
        sync_directory(fresh);
        const bool swapped = switch_folders(fresh, target);
        sync_directory(parent);
        if (swapped)
            fs::remove_all(fresh);
    } catch (...) {
        std::error_code ignored;
        fs::remove_all(fresh, ignored);
        throw;
    }
}

SavedVectorFiles open_saved_vectors(const fs::path& dir) {
    for (const char* name : {kClassVectorsFile, kNoiseVectorsFile}) {
        if (!fs::exists(dir / name))
            fail_usage("--use_last_vectors: {} does not exist (render once without it first)",
                       (dir / name).string());
    }
    SavedVectorFiles saved{dir, std::make_unique<NpyRowReader>(dir / kNoiseVectorsFile),
                           std::make_unique<NpyRowReader>(dir / kClassVectorsFile)};
    if (saved.classes->columns() != choreo::kImageNetClasses)
        fail("{}: shape ({}, {}), expected (frames, 1000)", (dir / kClassVectorsFile).string(),
             saved.classes->rows(), saved.classes->columns());
    if (saved.noise->columns() != choreo::kNoiseSize)
        fail("{}: shape ({}, {}), expected (frames, 128)", (dir / kNoiseVectorsFile).string(),
             saved.noise->rows(), saved.noise->columns());
    if (saved.classes->rows() != saved.noise->rows() || saved.classes->rows() == 0)
        fail("{}: {} class vectors but {} noise vectors", dir.string(), saved.classes->rows(),
             saved.noise->rows());
    return saved;
}

void check_saved_row(std::span<const double> noise, std::span<const double> classes,
                     std::int64_t frame, std::string_view source) {
    // NaN or 1e30 would render grey frames.
    choreo::check_vector_values(noise, choreo::kNoiseSize, "noise vector", source, frame);
    choreo::check_vector_values(classes, choreo::kImageNetClasses, "class vector", source, frame);
}

std::vector<int> load_saved_classes(const fs::path& dir) {
    const fs::path record = dir / kSavedRecordFile;
    if (fs::exists(record)) {
        return with_context(record.string(),
                            [&] { return choreo::classes_of_record(read_json_file(record)); });
    }
    const SavedVectorFiles saved = open_saved_vectors(dir);
    std::vector<bool> used(choreo::kImageNetClasses, false);
    std::vector<double> row(choreo::kImageNetClasses);
    for (std::int64_t f = 0; f < saved.classes->rows(); ++f) {
        saved.classes->read_rows(f, 1, row);
        for (int id = 0; id < choreo::kImageNetClasses; ++id)
            used[id] = used[id] || row[id] != 0;
    }
    std::vector<int> classes;
    for (int id = 0; id < choreo::kImageNetClasses; ++id) {
        if (used[id])
            classes.push_back(id);
    }
    if (classes.empty() || classes.size() > 12)
        fail("{}: cannot tell the classes from the saved class vectors ({} are used)", dir.string(),
             classes.size());
    log::info("classes taken from {} (in ascending order: its files keep no order)",
              (dir / kClassVectorsFile).string());
    return classes;
}

}  // namespace bgv::render
