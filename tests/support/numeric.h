// tests/support/numeric: the error measures tests state their tolerances in, one definition each.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace bgv::test {

// Relative L2 error ‖got − want‖₂ / ‖want‖₂ over want's elements, in double whatever the element
// types; the absolute L2 error when `want` is all zero. BGV-style containers or spans alike.
template <typename Got, typename Want>
double relative_error(const Got& got, const Want& want) {
    double diff = 0.0;
    double norm = 0.0;
    for (std::size_t i = 0; i < std::size(want); ++i) {
        const double d = static_cast<double>(got[i]) - static_cast<double>(want[i]);
        diff += d * d;
        norm += static_cast<double>(want[i]) * static_cast<double>(want[i]);
    }
    return norm > 0.0 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

// Largest |got − want| over want's elements.
template <typename Got, typename Want>
double max_abs_error(const Got& got, const Want& want) {
    double worst = 0.0;
    for (std::size_t i = 0; i < std::size(want); ++i)
        worst =
            std::max(worst, std::abs(static_cast<double>(got[i]) - static_cast<double>(want[i])));
    return worst;
}

}  // namespace bgv::test
