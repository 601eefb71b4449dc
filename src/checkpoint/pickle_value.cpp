#include "checkpoint/pickle_value.h"

#include <fmt/format.h>

#include <optional>

namespace bgv::checkpoint {

using Kind = PickleValue::Kind;

namespace {
struct AllowedCallable {
    std::string_view module;
    std::string_view name;
    Callable callable;
};

constexpr AllowedCallable kAllowedCallables[] = {
    {"collections", "OrderedDict", Callable::ordered_dict},
    {"torch._utils", "_rebuild_tensor", Callable::rebuild_tensor},
    {"torch._utils", "_rebuild_tensor_v2", Callable::rebuild_tensor_v2},
    {"torch._utils", "_rebuild_parameter", Callable::rebuild_parameter},
    {"torch._utils", "_rebuild_parameter_with_state", Callable::rebuild_parameter_with_state},
};
}  // namespace

std::optional<PickleValue> allowed_global(std::string_view module, std::string_view name) {
    PickleValue v;
    for (const AllowedCallable& allowed : kAllowedCallables) {
        if (allowed.module == module && allowed.name == name) {
            v.kind = Kind::callable;
            v.callable = allowed.callable;
            return v;
        }
    }
    if (module == "torch") {
        if (auto type = element_type_from_torch_storage(name)) {
            v.kind = Kind::storage_type;
            v.storage_type = *type;
            return v;
        }
    }
    return std::nullopt;
}

std::string_view kind_name(PickleValue::Kind kind) {
    switch (kind) {
        case Kind::none:
            return "None";
        case Kind::boolean:
            return "bool";
        case Kind::integer:
            return "int";
        case Kind::big_integer:
            return "big int";
        case Kind::floating:
            return "float";
        case Kind::text:
            return "str";
        case Kind::bytes:
            return "bytes";
        case Kind::tuple:
            return "tuple";
        case Kind::list:
            return "list";
        case Kind::dict:
            return "dict";
        case Kind::callable:
            return "callable";
        case Kind::storage_type:
            return "storage type";
        case Kind::persistent_id:
            return "persistent id";
        case Kind::tensor:
            return "tensor";
    }
    return "?";
}

std::string printable(std::string_view text, std::size_t max_length) {
    std::string result;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (result.size() >= max_length) {
            result += "...";
            break;
        }
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f && c != '\\')
            result += static_cast<char>(c);
        else
            result += fmt::format("\\x{:02x}", c);
    }
    return result;
}

}  // namespace bgv::checkpoint
