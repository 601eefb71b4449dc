// render/saved_vectors: the vectors of the last render in saved_vectors/ as the original tool kept
// them (class_vectors.npy frames x 1000, noise_vectors.npy frames x 128, float64), plus the run
// record beside them, so --use_last_vectors and --use_last_classes work with either tool's files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "choreo/vectors.h"
#include "core/npy_rows.h"

namespace bgv::render {

inline constexpr const char* kClassVectorsFile = "class_vectors.npy";
inline constexpr const char* kNoiseVectorsFile = "noise_vectors.npy";
inline constexpr const char* kSavedRecordFile = "run.json";

// Replaces the set in `dir` (both .npy files and the record) as ONE set or not at all: the new set
// is written and synced in a sibling folder, then switched with the old one in one rename
// (renameat2 RENAME_EXCHANGE, or RENAME_NOREPLACE when there is none), then the old is deleted.
// A failure on the way (disk full) leaves the old set as it was; two renders saving into the same
// folder at once leave one whole set, never files of both. The vectors are copied from `noise`
// and `classes` (float64 .npy files of frames x 128 and frames x 1000: a plan's).
void save_vector_set(const std::filesystem::path& dir, const std::filesystem::path& noise,
                     const std::filesystem::path& classes, const nlohmann::json& record);

// The saved vectors of `dir`, opened to be read a few rows at a time, their shapes checked
// (UsageError naming the folder when a file is missing).
struct SavedVectorFiles {
    std::filesystem::path dir;
    std::unique_ptr<NpyRowReader> noise;    // frames x 128
    std::unique_ptr<NpyRowReader> classes;  // frames x 1000
};
SavedVectorFiles open_saved_vectors(const std::filesystem::path& dir);

// Throws naming `source` and the frame for a NaN, infinity or huge value in one frame's vectors
// (choreo::check_vector_values): a saved set steers the generator only when every row is sane.
void check_saved_row(std::span<const double> noise, std::span<const double> classes,
                     std::int64_t frame, std::string_view source);

// The classes of the last render: from the run record when bigganviz wrote it, else the columns
// of the saved class vectors that are ever nonzero (the original tool saved no list; their order
// is then lost and becomes ascending).
std::vector<int> load_saved_classes(const std::filesystem::path& dir);

}  // namespace bgv::render
