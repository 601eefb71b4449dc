// checkpoint/element_type: the element types a checkpoint may store and their conversion to the
// float32 every bigganviz tensor uses (float16/bfloat16 widen exactly; integers become floats).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace bgv::checkpoint {

enum class ElementType {
    float32,
    float64,
    float16,
    bfloat16,
    int64,
    int32,
    int16,
    int8,
    uint8,
    boolean
};

std::size_t element_size(ElementType type);
std::string_view element_type_name(ElementType type);

// PyTorch's storage class names ("FloatStorage") and safetensors' dtype names ("F32").
std::optional<ElementType> element_type_from_torch_storage(std::string_view storage_class);
std::optional<ElementType> element_type_from_safetensors(std::string_view dtype);

// float16 bits to float32, exact for every value (subnormals, infinities, NaN payloads kept).
float half_to_float(std::uint16_t bits);
// bfloat16 is the top half of a float32, so widening is a shift.
float bfloat16_to_float(std::uint16_t bits);

// Converts `count` elements stored little-endian at `source` to float32. Integers (int64 counters
// such as num_batches_tracked, position_ids) become the nearest float32, exact up to 2^24.
void convert_to_float(ElementType type, const std::byte* source, std::size_t count, float* target);

}  // namespace bgv::checkpoint
