// checkpoint/unpickler: a pickle machine restricted to what a PyTorch state dict needs. It knows
// a handful of globals (OrderedDict, the tensor rebuild functions, the storage classes) as data,
// never imports or calls anything, and refuses every other global or opcode by name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checkpoint/pickle_value.h"

namespace bgv::checkpoint {

struct Unpickled {
    std::vector<PickleValue> values;
    ValueId root = 0;
    std::size_t bytes_read = 0;  // up to and including STOP: the next pickle starts there

    const PickleValue& at(ValueId id) const { return values.at(id); }
};

// Runs the pickle at the start of `bytes` up to its STOP. Throws bgv::Error naming the refused
// global or opcode, or describing the malformed input, with its byte offset.
Unpickled unpickle(std::span<const std::byte> bytes);

}  // namespace bgv::checkpoint
