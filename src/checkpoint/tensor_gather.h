// checkpoint/tensor_gather: turns a strided view into a storage (PyTorch's storage_offset, size,
// stride) into a contiguous float32 tensor, checking every index against the storage first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "checkpoint/element_type.h"
#include "checkpoint/tensor.h"

namespace bgv::checkpoint {

// `storage` holds whole elements of `type`. Throws bgv::Error when the view reaches outside it,
// a size or stride is negative, or an index computation would overflow.
Tensor gather_tensor(std::span<const std::byte> storage, ElementType type,
                     std::int64_t storage_offset, std::span<const std::int64_t> shape,
                     std::span<const std::int64_t> stride);

// Product of the sizes, failing on negative sizes or overflow.
std::int64_t element_count(std::span<const std::int64_t> shape);

// Strides of a C-order tensor of this shape.
std::vector<std::int64_t> contiguous_strides(std::span<const std::int64_t> shape);

}  // namespace bgv::checkpoint
