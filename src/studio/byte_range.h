// studio/byte_range: which part of a file a "Range: bytes=..." header asks for (RFC 7233): one
// range is served as 206, a range starting past the end is refused with 416, and a header that is
// not one byte range is ignored (the whole file, 200), as the RFC allows.
#pragma once

#include <cstdint>
#include <string_view>

namespace bgv::studio {

struct RangeAnswer {
    enum class Kind { whole, part, unsatisfiable };
    Kind kind = Kind::whole;
    std::int64_t first = 0;   // of the part
    std::int64_t length = 0;  // of the part
};

RangeAnswer resolve_range(std::string_view header, std::int64_t size);

}  // namespace bgv::studio
