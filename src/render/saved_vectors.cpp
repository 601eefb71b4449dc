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

void save_vector_set(const fs::path& dir, const choreo::Vectors& vectors,
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
        write_npy(fresh / kClassVectorsFile, std::span<const double>(vectors.classes),
                  {vectors.count, choreo::kImageNetClasses});
        write_npy(fresh / kNoiseVectorsFile, std::span<const double>(vectors.noise),
                  {vectors.count, choreo::kNoiseSize});
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

choreo::Vectors load_saved_vectors(const fs::path& dir) {
    for (const char* name : {kClassVectorsFile, kNoiseVectorsFile}) {
        if (!fs::exists(dir / name))
            fail_usage("--use_last_vectors: {} does not exist (render once without it first)",
                       (dir / name).string());
    }
    auto classes = read_npy_f64(dir / kClassVectorsFile);
    auto noise = read_npy_f64(dir / kNoiseVectorsFile);
    if (classes.shape.size() != 2 || classes.shape[1] != choreo::kImageNetClasses)
        fail("{}: shape {}, expected (frames, 1000)", (dir / kClassVectorsFile).string(),
             shape_string(classes.shape));
    if (noise.shape.size() != 2 || noise.shape[1] != choreo::kNoiseSize)
        fail("{}: shape {}, expected (frames, 128)", (dir / kNoiseVectorsFile).string(),
             shape_string(noise.shape));
    if (classes.shape[0] != noise.shape[0] || classes.shape[0] == 0)
        fail("{}: {} class vectors but {} noise vectors", dir.string(), classes.shape[0],
             noise.shape[0]);
    choreo::Vectors vectors;
    vectors.count = classes.shape[0];
    vectors.classes = std::move(classes.data);
    vectors.noise = std::move(noise.data);
    choreo::check_vectors(vectors, dir.string());  // NaN or 1e30 would render grey frames
    return vectors;
}

std::vector<int> load_saved_classes(const fs::path& dir) {
    const fs::path record = dir / kSavedRecordFile;
    if (fs::exists(record)) {
        return with_context(record.string(),
                            [&] { return choreo::classes_of_record(read_json_file(record)); });
    }
    const auto vectors = load_saved_vectors(dir);
    std::vector<int> classes;
    for (int id = 0; id < choreo::kImageNetClasses; ++id) {
        for (std::int64_t f = 0; f < vectors.count; ++f) {
            if (vectors.classes[f * choreo::kImageNetClasses + id] != 0) {
                classes.push_back(id);
                break;
            }
        }
    }
    if (classes.empty() || classes.size() > 12)
        fail("{}: cannot tell the classes from the saved class vectors ({} are used)", dir.string(),
             classes.size());
    log::info("classes taken from {} (in ascending order: its files keep no order)",
              (dir / kClassVectorsFile).string());
    return classes;
}

}  // namespace bgv::render
