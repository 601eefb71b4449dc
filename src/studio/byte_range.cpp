#include "studio/byte_range.h"

#include <algorithm>
#include <limits>
#include <optional>

namespace bgv::studio {

namespace {
constexpr std::int64_t kHuge = std::numeric_limits<std::int64_t>::max() / 4;

// Digits only; values past any file size saturate (a position beyond the end is all that
// matters about them).
std::optional<std::int64_t> parse_position(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    std::int64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value > (kHuge - (c - '0')) / 10 ? kHuge : value * 10 + (c - '0');
    }
    return value;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}
}  // namespace

RangeAnswer resolve_range(std::string_view header, std::int64_t size) {
    using Kind = RangeAnswer::Kind;
    header = trim(header);
    if (header.size() < 6 || header.find(',') != std::string_view::npos)
        return {};
    const std::string_view unit = header.substr(0, 6);
    if (unit != "bytes=" && unit != "Bytes=" && unit != "BYTES=")
        return {};
    const std::string_view spec = trim(header.substr(6));
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos)
        return {};
    const auto first = parse_position(trim(spec.substr(0, dash)));
    const auto last = parse_position(trim(spec.substr(dash + 1)));
    if (!first) {  // "-N": the last N bytes
        if (!last)
            return {};
        if (*last == 0 || size == 0)
            return {Kind::unsatisfiable};
        const std::int64_t length = std::min(*last, size);
        return {Kind::part, size - length, length};
    }
    if (last && *last < *first)
        return {};  // not a valid range: ignored
    if (*first >= size)
        return {Kind::unsatisfiable};
    const std::int64_t end = last ? std::min(*last, size - 1) : size - 1;
    return {Kind::part, *first, end - *first + 1};
}

}  // namespace bgv::studio
