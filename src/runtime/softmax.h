// runtime/softmax: row-wise softmax on oneDNN's vectorised kernel (the attention matrices of the
// generator are millions of values per image), computed in float32.
#pragma once

#include <cstdint>

#include "runtime/engine.h"
#include "runtime/feature_map.h"

namespace bgv::runtime {

// In place on a dense (rows, cols) row-major matrix.
void softmax_rows(Engine& engine, float* x, std::int64_t rows, std::int64_t cols);
// From a dense float32 matrix into a dense one of out_type (float32 or bfloat16, rounded from
// the float32 result); out may be in only when out_type is float32.
void softmax_rows(Engine& engine, const float* in, void* out, DataType out_type, std::int64_t rows,
                  std::int64_t cols);

}  // namespace bgv::runtime
