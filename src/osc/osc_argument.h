// osc/osc_argument: one argument of a message liblo has parsed, read where its argv points.
// Those pointers are inside the message and 4-byte aligned only, so an 8-byte lo_arg read there
// would be misaligned: the value is copied out instead.
#pragma once

#include <lo/lo.h>

#include <cstring>

namespace bgv::osc {

template <typename T>
T read_arg(const lo_arg* arg) {
    T value;
    std::memcpy(&value, static_cast<const void*>(arg), sizeof value);
    return value;
}

}  // namespace bgv::osc
