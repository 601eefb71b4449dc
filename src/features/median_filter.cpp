#include "features/median_filter.h"

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "features/parallel.h"

namespace bgv::features {
namespace {

// scipy.ndimage's "reflect" extension: index i of an endless row built from n values.
std::int64_t reflect_index(std::int64_t i, std::int64_t n) {
    const std::int64_t period = 2 * n;
    std::int64_t m = i % period;
    if (m < 0) {
        m += period;
    }
    return m < n ? m : period - 1 - m;
}

// One row: the window is kept sorted; each step takes out the value leaving it and slides the
// value entering it into place (one insertion-sort pass from the freed slot).
void median_filter_row(const float* row, std::int64_t columns, int width, float* out,
                       std::vector<float>& extended, std::vector<float>& window) {
    const int half = width / 2;
    extended.resize(static_cast<std::size_t>(columns + width - 1));
    for (std::int64_t j = 0; j < columns + width - 1; ++j) {
        extended[static_cast<std::size_t>(j)] = row[reflect_index(j - half, columns)];
    }
    window.assign(extended.begin(), extended.begin() + width);
    std::sort(window.begin(), window.end());
    float* sorted = window.data();
    const float* x = extended.data();
    out[0] = sorted[half];
    for (std::int64_t c = 1; c < columns; ++c) {
        const float leaving = x[c - 1];
        const float entering = x[c + width - 1];
        if (entering != leaving) {
            auto slot =
                static_cast<int>(std::lower_bound(sorted, sorted + width, leaving) - sorted);
            if (entering > leaving) {
                while (slot + 1 < width && sorted[slot + 1] < entering) {
                    sorted[slot] = sorted[slot + 1];
                    ++slot;
                }
            } else {
                while (slot > 0 && sorted[slot - 1] > entering) {
                    sorted[slot] = sorted[slot - 1];
                    --slot;
                }
            }
            sorted[slot] = entering;
        }
        out[c] = sorted[half];
    }
}

}  // namespace

void median_filter_rows(std::span<const float> in, std::int64_t rows, std::int64_t columns,
                        int width, std::span<float> out, int threads) {
    if (width < 1 || width % 2 == 0) {
        fail("median filter width must be odd and positive, not {}", width);
    }
    if (static_cast<std::int64_t>(in.size()) != rows * columns || out.size() != in.size()) {
        fail("median filter of {} × {} values given {} in and {} out", rows, columns, in.size(),
             out.size());
    }
    if (rows == 0 || columns == 0) {
        return;
    }
    const auto workers = static_cast<int>(std::clamp<std::int64_t>(threads, 1, rows));
    run_workers(workers, [&](int w) {
        std::vector<float> extended;
        std::vector<float> window;
        for (std::int64_t r = rows * w / workers; r < rows * (w + 1) / workers; ++r) {
            median_filter_row(in.data() + r * columns, columns, width, out.data() + r * columns,
                              extended, window);
        }
    });
}

}  // namespace bgv::features
