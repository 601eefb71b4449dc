// checkpoint/pickle_value: the values a restricted pickle machine builds (an arena of plain data,
// no Python objects), their names, and the printable form of untrusted text for messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkpoint/element_type.h"

namespace bgv::checkpoint {

// Objects live in one arena and refer to each other by index, so hostile pickles can build
// neither reference cycles nor deep destructor recursion.
using ValueId = std::uint32_t;

// The callables a state dict's pickle may name; REDUCE evaluates them symbolically.
enum class Callable {
    ordered_dict,                  // collections.OrderedDict
    rebuild_tensor,                // torch._utils._rebuild_tensor (PyTorch < 1.0)
    rebuild_tensor_v2,             // torch._utils._rebuild_tensor_v2
    rebuild_parameter,             // torch._utils._rebuild_parameter
    rebuild_parameter_with_state,  // torch._utils._rebuild_parameter_with_state
};

// A tensor as the pickle describes it: a view into a storage named by a persistent id.
struct TensorView {
    ValueId persistent_id = 0;  // the value BINPERSID received (a tuple for torch files)
    std::int64_t storage_offset = 0;
    std::vector<std::int64_t> shape;
    std::vector<std::int64_t> stride;
};

struct PickleValue {
    enum class Kind {
        none,
        boolean,
        integer,
        big_integer,  // LONG1 wider than 64 bits: `text` holds its little-endian bytes
        floating,
        text,   // unicode or protocol-2 byte strings
        bytes,  // protocol-3 bytes
        tuple,
        list,
        dict,
        callable,
        storage_type,
        persistent_id,  // items[0] is the persistent id itself
        tensor,
    };
    Kind kind = Kind::none;
    std::int64_t integer = 0;  // integer, boolean
    double floating = 0;
    std::string text;            // text, bytes, big_integer
    std::vector<ValueId> items;  // tuple, list, persistent_id; dict: key, value, key, value, ...
    Callable callable = Callable::ordered_dict;
    ElementType storage_type = ElementType::float32;
    TensorView tensor;
};

std::string_view kind_name(PickleValue::Kind kind);

// The value GLOBAL module.name stands for when it is one a state dict may name (OrderedDict, the
// tensor rebuild functions, torch.*Storage); nullopt for every other global.
std::optional<PickleValue> allowed_global(std::string_view module, std::string_view name);

// Printable form of untrusted text for error messages (control and non-ASCII bytes escaped).
std::string printable(std::string_view text, std::size_t max_length = 80);

}  // namespace bgv::checkpoint
