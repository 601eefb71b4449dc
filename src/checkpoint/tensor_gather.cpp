#include "checkpoint/tensor_gather.h"

#include <algorithm>

#include "core/error.h"
#include "core/npy.h"

namespace bgv::checkpoint {

namespace {

std::int64_t checked_multiply(std::int64_t a, std::int64_t b) {
    std::int64_t result = 0;
    if (__builtin_mul_overflow(a, b, &result))
        fail("tensor size overflows 64-bit integers");
    return result;
}

std::int64_t checked_add(std::int64_t a, std::int64_t b) {
    std::int64_t result = 0;
    if (__builtin_add_overflow(a, b, &result))
        fail("tensor size overflows 64-bit integers");
    return result;
}

// A view may legitimately repeat storage elements (stride 0, as expand() makes), so its size is
// not bounded by the storage; this bounds what a hostile file can make us allocate.
constexpr std::int64_t max_repeated_elements = std::int64_t{1} << 24;

}  // namespace

std::int64_t element_count(std::span<const std::int64_t> shape) {
    std::int64_t count = 1;
    for (std::int64_t size : shape) {
        if (size < 0)
            fail("negative size in shape {}", shape_string(shape));
        count = checked_multiply(count, size);
    }
    return count;
}

std::vector<std::int64_t> contiguous_strides(std::span<const std::int64_t> shape) {
    std::vector<std::int64_t> strides(shape.size(), 1);
    std::int64_t step = 1;
    for (std::size_t i = shape.size(); i-- > 0;) {
        strides[i] = step;
        step = checked_multiply(step, std::max<std::int64_t>(shape[i], 1));
    }
    return strides;
}

Tensor gather_tensor(std::span<const std::byte> storage, ElementType type,
                     std::int64_t storage_offset, std::span<const std::int64_t> shape,
                     std::span<const std::int64_t> stride) {
    if (shape.size() != stride.size())
        fail("shape {} and stride {} differ in rank", shape_string(shape), shape_string(stride));
    if (storage_offset < 0)
        fail("negative storage offset {}", storage_offset);
    const auto item = static_cast<std::int64_t>(element_size(type));
    const auto storage_elements = static_cast<std::int64_t>(storage.size()) / item;
    const std::int64_t count = element_count(shape);

    Tensor tensor;
    tensor.shape.assign(shape.begin(), shape.end());
    if (count == 0)
        return tensor;

    std::int64_t last = storage_offset;  // the highest element index the view touches
    for (std::size_t d = 0; d < shape.size(); ++d) {
        if (stride[d] < 0)
            fail("negative stride in {}", shape_string(stride));
        last = checked_add(last, checked_multiply(shape[d] - 1, stride[d]));
    }
    if (last >= storage_elements)
        fail("view (offset {}, shape {}, stride {}) needs {} {} elements but its storage holds {}",
             storage_offset, shape_string(shape), shape_string(stride), last + 1,
             element_type_name(type), storage_elements);
    if (count > storage_elements && count > max_repeated_elements)
        fail("view of shape {} repeats its {}-element storage to {} elements; refusing",
             shape_string(shape), storage_elements, count);

    tensor.data.resize(static_cast<std::size_t>(count));
    float* out = tensor.data.data();
    const std::byte* base = storage.data();
    const auto item_bytes = static_cast<std::size_t>(item);

    const std::vector<std::int64_t> dense = contiguous_strides(shape);
    if (std::equal(dense.begin(), dense.end(), stride.begin())) {
        convert_to_float(type, base + static_cast<std::size_t>(storage_offset) * item_bytes,
                         static_cast<std::size_t>(count), out);
        return tensor;
    }

    // Odometer over all but the last dimension; the last one is a run, contiguous or strided.
    const std::size_t rank = shape.size();
    const std::int64_t run = shape[rank - 1];
    const std::int64_t run_stride = stride[rank - 1];
    std::vector<std::int64_t> index(rank - 1, 0);
    std::int64_t offset = storage_offset;
    for (std::int64_t done = 0; done < count; done += run) {
        if (run_stride == 1) {
            convert_to_float(type, base + static_cast<std::size_t>(offset) * item_bytes,
                             static_cast<std::size_t>(run), out);
        } else {
            for (std::int64_t j = 0; j < run; ++j)
                convert_to_float(
                    type, base + static_cast<std::size_t>(offset + j * run_stride) * item_bytes, 1,
                    out + j);
        }
        out += run;
        for (std::size_t d = rank - 1; d-- > 0;) {
            offset += stride[d];
            if (++index[d] < shape[d])
                break;
            offset -= shape[d] * stride[d];
            index[d] = 0;
        }
    }
    return tensor;
}

}  // namespace bgv::checkpoint
