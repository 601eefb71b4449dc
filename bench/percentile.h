// bench/percentile: the percentiles the benchmarks print (nearest rank on the sorted values).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace bgv::bench {

// The value at rank round(p · (n - 1)) of the sorted values (p in [0, 1]); 0 when there is none.
inline double percentile(std::vector<double> values, double p) {
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[at];
}

}  // namespace bgv::bench
