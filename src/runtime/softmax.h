// runtime/softmax: row-wise softmax on oneDNN's vectorised kernel (the attention matrices of the
// generator are millions of values per image; the plain loop in elementwise.h is for small ones).
#pragma once

#include <cstdint>

#include "runtime/engine.h"

namespace bgv::runtime {

// In place on a dense (rows, cols) row-major matrix.
void softmax_rows(Engine& engine, float* x, std::int64_t rows, std::int64_t cols);

}  // namespace bgv::runtime
