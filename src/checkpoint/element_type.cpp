#include "checkpoint/element_type.h"

#include <bit>
#include <cstring>

namespace bgv::checkpoint {

static_assert(std::endian::native == std::endian::little,
              "checkpoints store little-endian data and are copied without byte swapping");

std::size_t element_size(ElementType type) {
    switch (type) {
        case ElementType::float64:
        case ElementType::int64:
            return 8;
        case ElementType::float32:
        case ElementType::int32:
            return 4;
        case ElementType::float16:
        case ElementType::bfloat16:
        case ElementType::int16:
            return 2;
        case ElementType::int8:
        case ElementType::uint8:
        case ElementType::boolean:
            return 1;
    }
    return 1;
}

std::string_view element_type_name(ElementType type) {
    switch (type) {
        case ElementType::float32:
            return "float32";
        case ElementType::float64:
            return "float64";
        case ElementType::float16:
            return "float16";
        case ElementType::bfloat16:
            return "bfloat16";
        case ElementType::int64:
            return "int64";
        case ElementType::int32:
            return "int32";
        case ElementType::int16:
            return "int16";
        case ElementType::int8:
            return "int8";
        case ElementType::uint8:
            return "uint8";
        case ElementType::boolean:
            return "bool";
    }
    return "?";
}

std::optional<ElementType> element_type_from_torch_storage(std::string_view storage_class) {
    struct Entry {
        std::string_view name;
        ElementType type;
    };
    static constexpr Entry table[] = {
        {"FloatStorage", ElementType::float32}, {"DoubleStorage", ElementType::float64},
        {"HalfStorage", ElementType::float16},  {"BFloat16Storage", ElementType::bfloat16},
        {"LongStorage", ElementType::int64},    {"IntStorage", ElementType::int32},
        {"ShortStorage", ElementType::int16},   {"CharStorage", ElementType::int8},
        {"ByteStorage", ElementType::uint8},    {"BoolStorage", ElementType::boolean},
    };
    for (const Entry& entry : table)
        if (entry.name == storage_class)
            return entry.type;
    return std::nullopt;
}

std::optional<ElementType> element_type_from_safetensors(std::string_view dtype) {
    struct Entry {
        std::string_view name;
        ElementType type;
    };
    static constexpr Entry table[] = {
        {"F32", ElementType::float32}, {"F64", ElementType::float64},
        {"F16", ElementType::float16}, {"BF16", ElementType::bfloat16},
        {"I64", ElementType::int64},   {"I32", ElementType::int32},
        {"I16", ElementType::int16},   {"I8", ElementType::int8},
        {"U8", ElementType::uint8},    {"BOOL", ElementType::boolean},
    };
    for (const Entry& entry : table)
        if (entry.name == dtype)
            return entry.type;
    return std::nullopt;
}

float half_to_float(std::uint16_t bits) {
    const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000u) << 16;
    const std::uint32_t exponent = (bits >> 10) & 0x1fu;
    std::uint32_t mantissa = bits & 0x3ffu;
    std::uint32_t result = 0;
    if (exponent == 0x1f) {
        result = sign | 0x7f800000u | (mantissa << 13);  // infinity or NaN, payload kept
    } else if (exponent != 0) {
        result = sign | ((exponent + 112u) << 23) | (mantissa << 13);  // rebias 15 -> 127
    } else if (mantissa != 0) {
        // Subnormal half: normalise; every half subnormal is a normal float32.
        std::uint32_t shift = 0;
        while ((mantissa & 0x400u) == 0) {
            mantissa <<= 1;
            ++shift;
        }
        mantissa &= 0x3ffu;
        result = sign | ((113u - shift) << 23) | (mantissa << 13);
    } else {
        result = sign;  // signed zero
    }
    return std::bit_cast<float>(result);
}

float bfloat16_to_float(std::uint16_t bits) {
    return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

namespace {
template <typename Stored, typename Convert>
void convert_each(const std::byte* source, std::size_t count, float* target, Convert convert) {
    for (std::size_t i = 0; i < count; ++i) {
        Stored value;
        std::memcpy(&value, source + i * sizeof(Stored), sizeof(Stored));
        target[i] = convert(value);
    }
}
}  // namespace

void convert_to_float(ElementType type, const std::byte* source, std::size_t count, float* target) {
    const auto cast = [](auto value) { return static_cast<float>(value); };
    switch (type) {
        case ElementType::float32:
            if (count > 0)
                std::memcpy(target, source, count * sizeof(float));
            return;
        case ElementType::float64:
            return convert_each<double>(source, count, target, cast);
        case ElementType::float16:
            return convert_each<std::uint16_t>(source, count, target, half_to_float);
        case ElementType::bfloat16:
            return convert_each<std::uint16_t>(source, count, target, bfloat16_to_float);
        case ElementType::int64:
            return convert_each<std::int64_t>(source, count, target, cast);
        case ElementType::int32:
            return convert_each<std::int32_t>(source, count, target, cast);
        case ElementType::int16:
            return convert_each<std::int16_t>(source, count, target, cast);
        case ElementType::int8:
            return convert_each<std::int8_t>(source, count, target, cast);
        case ElementType::uint8:
            return convert_each<std::uint8_t>(source, count, target, cast);
        case ElementType::boolean:
            return convert_each<std::uint8_t>(source, count, target,
                                              [](std::uint8_t v) { return v != 0 ? 1.0f : 0.0f; });
    }
}

}  // namespace bgv::checkpoint
