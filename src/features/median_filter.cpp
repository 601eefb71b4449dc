#include "features/median_filter.h"

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

#include "core/error.h"
#include "features/parallel.h"

namespace bgv::features {
std::int64_t reflect_index(std::int64_t i, std::int64_t n) {
    const std::int64_t period = 2 * n;
    std::int64_t m = i % period;
    if (m < 0) {
        m += period;
    }
    return m < n ? m : period - 1 - m;
}

namespace {

// The window lives in slots [1, width] of a buffer of kSlots + 2 floats: -inf in slot 0 and +inf
// from slot width + 1 on, so that the scans below need no bounds checks and the count runs over a
// fixed number of slots (which the compiler vectorises).
constexpr int kMaxWidth = 31;
constexpr int kSlots = 32;

// How many of the window's sorted values are below x: the slot of x's first copy, counting from 1.
int count_below(const float* sorted, float x) {
    int count = 0;
    for (int i = 0; i < kSlots; ++i) {
        count += sorted[i] < x ? 1 : 0;
    }
    return count;
}

// The window is kept sorted; each step finds the value leaving it (by counting) and slides the
// value entering it into place from the freed slot (one insertion-sort pass).
void sliding_median_of(const float* x, std::int64_t columns, int width, float* out) {
    const int half = width / 2;
    alignas(64) std::array<float, kSlots + 2> buffer{};
    buffer.fill(std::numeric_limits<float>::infinity());
    buffer[0] = -std::numeric_limits<float>::infinity();
    float* sorted = buffer.data() + 1;
    std::copy_n(x, width, sorted);
    std::sort(sorted, sorted + width);
    out[0] = sorted[half];
    for (std::int64_t c = 1; c < columns; ++c) {
        const float leaving = x[c - 1];
        const float entering = x[c + width - 1];
        if (entering != leaving) {
            int slot = count_below(sorted, leaving);
            if (entering > leaving) {
                while (sorted[slot + 1] < entering) {
                    sorted[slot] = sorted[slot + 1];
                    ++slot;
                }
            } else {
                while (sorted[slot - 1] > entering) {
                    sorted[slot] = sorted[slot - 1];
                    --slot;
                }
            }
            sorted[slot] = entering;
        }
        out[c] = sorted[half];
    }
}

// One row with scipy's "reflect" edges.
void median_filter_row(const float* row, std::int64_t columns, int width, float* out,
                       std::vector<float>& extended) {
    const int half = width / 2;
    extended.resize(static_cast<std::size_t>(columns + width - 1));
    for (std::int64_t j = 0; j < columns + width - 1; ++j) {
        extended[static_cast<std::size_t>(j)] = row[reflect_index(j - half, columns)];
    }
    sliding_median_of(extended.data(), columns, width, out);
}

void check_width(int width) {
    if (width < 1 || width % 2 == 0 || width > kMaxWidth) {
        fail("median filter width must be odd, from 1 to {}, not {}", kMaxWidth, width);
    }
}

}  // namespace

void sliding_median(std::span<const float> extended, int width, std::span<float> out) {
    check_width(width);
    if (extended.size() != out.size() + static_cast<std::size_t>(width) - 1) {
        fail("sliding median of width {} over {} values for {} outputs", width, extended.size(),
             out.size());
    }
    if (!out.empty()) {
        sliding_median_of(extended.data(), static_cast<std::int64_t>(out.size()), width,
                          out.data());
    }
}

void median_filter_rows(std::span<const float> in, std::int64_t rows, std::int64_t columns,
                        int width, std::span<float> out, int threads) {
    check_width(width);
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
        for (std::int64_t r = rows * w / workers; r < rows * (w + 1) / workers; ++r) {
            median_filter_row(in.data() + r * columns, columns, width, out.data() + r * columns,
                              extended);
        }
    });
}

}  // namespace bgv::features
