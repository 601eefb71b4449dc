#include "checkpoint/safetensors.h"

#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "checkpoint/element_type.h"
#include "checkpoint/mapped_file.h"
#include "checkpoint/tensor_gather.h"
#include "checkpoint/unpickler.h"
#include "core/error.h"

namespace bgv::checkpoint {

namespace {

// The reference implementation refuses headers over 100 MB; real ones are kilobytes.
constexpr std::uint64_t max_header_size = 100'000'000;

std::uint64_t header_size(std::span<const std::byte> bytes) {
    std::uint64_t size = 0;
    std::memcpy(&size, bytes.data(), sizeof size);
    return size;
}

std::int64_t non_negative_integer(const nlohmann::json& value, std::string_view what) {
    if (value.is_number_unsigned() &&
        value.get<std::uint64_t>() <= std::numeric_limits<std::int64_t>::max())
        return static_cast<std::int64_t>(value.get<std::uint64_t>());
    if (value.is_number_integer() && value.get<std::int64_t>() >= 0)
        return value.get<std::int64_t>();
    fail("{} holds {}, expected a non-negative integer", what, printable(value.dump()));
}

Tensor read_tensor(const nlohmann::json& info, std::span<const std::byte> data) {
    if (!info.is_object())
        fail("header entry is not an object");
    const auto dtype = info.find("dtype");
    const auto shape_json = info.find("shape");
    const auto offsets = info.find("data_offsets");
    if (dtype == info.end() || shape_json == info.end() || offsets == info.end())
        fail("header entry lacks dtype, shape or data_offsets");
    if (!dtype->is_string())
        fail("dtype is not a string");
    const auto type = element_type_from_safetensors(dtype->get<std::string>());
    if (!type)
        fail("dtype '{}' is not supported", printable(dtype->get<std::string>()));
    if (!shape_json->is_array())
        fail("shape is not a list");
    std::vector<std::int64_t> shape;
    for (const auto& size : *shape_json)
        shape.push_back(non_negative_integer(size, "shape"));
    if (!offsets->is_array() || offsets->size() != 2)
        fail("data_offsets is not a [begin, end] pair");
    const std::int64_t begin = non_negative_integer((*offsets)[0], "data_offsets");
    const std::int64_t end = non_negative_integer((*offsets)[1], "data_offsets");
    if (begin > end)
        fail("data_offsets [{}, {}] are reversed", begin, end);
    const std::int64_t count = element_count(shape);
    const auto item = static_cast<std::int64_t>(element_size(*type));
    std::int64_t needed = 0;
    const bool overflow = __builtin_mul_overflow(count, item, &needed);
    if (overflow || needed != end - begin)
        fail("data_offsets [{}, {}] hold {} bytes but {} {} elements need {}", begin, end,
             end - begin, count, element_type_name(*type),
             overflow ? std::string("more than 2^63") : std::to_string(needed));
    if (static_cast<std::uint64_t>(end) > data.size())
        fail("truncated: data bytes [{}, {}) lie past the end of the data section ({} bytes)",
             begin, end, data.size());
    const auto storage =
        data.subspan(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin));
    return gather_tensor(storage, *type, 0, shape, contiguous_strides(shape));
}

}  // namespace

bool is_safetensors(std::span<const std::byte> bytes) {
    if (bytes.size() < 9)
        return false;
    const std::uint64_t size = header_size(bytes);
    return size >= 2 && size <= max_header_size && bytes[8] == std::byte{'{'};
}

StateDict parse_safetensors(std::span<const std::byte> bytes) {
    if (bytes.size() < 8)
        fail("truncated: {} bytes, too short for a safetensors header length", bytes.size());
    const std::uint64_t size = header_size(bytes);
    if (size > max_header_size)
        fail("safetensors header length {} is not sane (limit {})", size, max_header_size);
    if (size > bytes.size() - 8)
        fail("truncated: the safetensors header needs {} bytes, the file has {} after the length",
             size, bytes.size() - 8);
    const auto header_bytes = bytes.subspan(8, static_cast<std::size_t>(size));
    const auto data = bytes.subspan(8 + static_cast<std::size_t>(size));

    const nlohmann::json header = nlohmann::json::parse(
        reinterpret_cast<const char*>(header_bytes.data()),
        reinterpret_cast<const char*>(header_bytes.data() + header_bytes.size()), nullptr,
        /*allow_exceptions=*/false);
    if (header.is_discarded())
        fail("safetensors header is not valid JSON");
    if (!header.is_object())
        fail("safetensors header is not a JSON object");

    StateDict state;
    for (const auto& entry : header.items()) {
        const std::string& name = entry.key();
        if (name == "__metadata__")
            continue;  // free-form string → string map
        state[name] = with_context(fmt::format("tensor '{}'", printable(name)),
                                   [&] { return read_tensor(entry.value(), data); });
    }
    return state;
}

StateDict load_safetensors(const std::filesystem::path& path) {
    const MappedFile file(path);
    return with_context(path.string(), [&] { return parse_safetensors(file.bytes()); });
}

}  // namespace bgv::checkpoint
