// choreo/checks: vectors and class lists that come back from files (saved_vectors/, run.json,
// `generate --noise`) are checked before they steer the generator: one line, exit code 1.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "choreo/vectors.h"

namespace bgv::choreo {

// No value of the seed's choreography leaves a few units (noise is bounced within twice the
// truncation, class weights stay near 1); this bound only catches values that would overflow
// the generator's arithmetic, such as 1e30.
inline constexpr double kMaxVectorMagnitude = 1000.0;

// Throws naming `source`, the row and the column of the first NaN, infinity or value beyond
// kMaxVectorMagnitude in a rows × `columns` matrix; `what` is "noise vector" or "class vector".
// Rows are named from `first_row` (the matrix is part of a longer one).
void check_vector_values(std::span<const double> values, int columns, std::string_view what,
                         std::string_view source, std::int64_t first_row = 0);
void check_vector_values(std::span<const float> values, int columns, std::string_view what,
                         std::string_view source, std::int64_t first_row = 0);

// Both matrices of saved vectors; `source` names the folder or files.
void check_vectors(const Vectors& vectors, std::string_view source);

// The "classes" of a run record (saved_vectors/run.json): 1..12 integer ids in 0..999. A bad
// record is a bad file (Error, exit 1), not a bad command line.
std::vector<int> classes_of_record(const nlohmann::json& record);

}  // namespace bgv::choreo
