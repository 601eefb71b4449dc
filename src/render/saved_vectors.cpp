#include "render/saved_vectors.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "core/npy.h"

namespace bgv::render {

namespace fs = std::filesystem;

void save_vectors(const fs::path& dir, const choreo::Vectors& vectors) {
    fs::create_directories(dir);
    write_npy(dir / kClassVectorsFile, std::span<const double>(vectors.classes),
              {vectors.count, choreo::kImageNetClasses});
    write_npy(dir / kNoiseVectorsFile, std::span<const double>(vectors.noise),
              {vectors.count, choreo::kNoiseSize});
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
    return vectors;
}

std::vector<int> load_saved_classes(const fs::path& dir) {
    const fs::path record = dir / kSavedRecordFile;
    if (fs::exists(record)) {
        return with_context(record.string(), [&] {
            const auto json = nlohmann::json::parse(read_file_text(record));
            return json.at("classes").get<std::vector<int>>();
        });
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
