// checkpoint/pickle_opcode: the names pickletools gives every opcode of protocols 0 to 5, so that
// the unpickler's refusals name the opcode a hostile or unsupported file used.
#pragma once

#include <cstdint>
#include <string_view>

namespace bgv::checkpoint {

// "REDUCE" for 'R'; empty for a byte that is no opcode at all.
std::string_view pickle_opcode_name(std::uint8_t code);

}  // namespace bgv::checkpoint
