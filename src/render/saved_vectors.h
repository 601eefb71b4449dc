// render/saved_vectors: the vectors of the last render in saved_vectors/ as the original tool kept
// them (class_vectors.npy frames x 1000, noise_vectors.npy frames x 128, float64), plus the run
// record beside them, so --use_last_vectors and --use_last_classes work with either tool's files.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "choreo/vectors.h"

namespace bgv::render {

inline constexpr const char* kClassVectorsFile = "class_vectors.npy";
inline constexpr const char* kNoiseVectorsFile = "noise_vectors.npy";
inline constexpr const char* kSavedRecordFile = "run.json";

// Replaces the set in `dir` (both .npy files and the record) as ONE set or not at all: the new set
// is written and synced in a sibling folder, then switched with the old one in one rename
// (renameat2 RENAME_EXCHANGE, or RENAME_NOREPLACE when there is none), then the old is deleted.
// A failure on the way (disk full) leaves the old set as it was; two renders saving into the same
// folder at once leave one whole set, never files of both.
void save_vector_set(const std::filesystem::path& dir, const choreo::Vectors& vectors,
                     const nlohmann::json& record);

// Reads both files and checks their shapes agree (UsageError naming the folder when missing).
choreo::Vectors load_saved_vectors(const std::filesystem::path& dir);

// The classes of the last render: from the run record when bigganviz wrote it, else the columns
// of the saved class vectors that are ever nonzero (the original tool saved no list; their order
// is then lost and becomes ascending).
std::vector<int> load_saved_classes(const std::filesystem::path& dir);

}  // namespace bgv::render
