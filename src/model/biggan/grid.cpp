#include "model/biggan/grid.h"

#include <charconv>
#include <cmath>

#include "core/error.h"

namespace bgv::biggan {

namespace {

constexpr double kMaxRatio = 4.0;

}  // namespace

Aspect parse_aspect(std::string_view text) {
    const auto colon = text.find(':');
    const auto number = [](std::string_view part, double& value) {
        const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
        return !part.empty() && error == std::errc() && end == part.data() + part.size() &&
               std::isfinite(value) && value > 0;
    };
    Aspect aspect;
    if (colon == std::string_view::npos || !number(text.substr(0, colon), aspect.width) ||
        !number(text.substr(colon + 1), aspect.height))
        fail_usage("--aspect {}: expected WIDTH:HEIGHT, e.g. 16:9 or 9:16", text);
    const double ratio = aspect.width / aspect.height;
    if (ratio > kMaxRatio || ratio < 1.0 / kMaxRatio)
        fail_usage("--aspect {}: the ratio must lie within 1:4 to 4:1", text);
    return aspect;
}

Widen parse_widen(std::string_view name) {
    for (Widen fill : {Widen::mirror, Widen::noise})
        if (widen_name(fill) == name)
            return fill;
    fail_usage("--widen {}: expected mirror or noise", name);
}

std::string_view widen_name(Widen fill) {
    return fill == Widen::mirror ? "mirror" : "noise";
}

Grid grid_for_aspect(Aspect aspect, Widen fill) {
    const double ratio = aspect.width / aspect.height;
    const auto cells = [](double r) { return static_cast<int>(std::floor(4.0 * r + 0.5)); };
    if (ratio >= 1.0)
        return {4, std::min(cells(ratio), kMaxCells), fill};
    return {std::min(cells(1.0 / ratio), kMaxCells), 4, fill};
}

}  // namespace bgv::biggan
