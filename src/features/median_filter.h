// features/median_filter: running medians of odd width along a matrix's rows, with the "reflect"
// edges of scipy.ndimage.median_filter that librosa's harmonic/percussive separation uses.
#pragma once

#include <cstdint>
#include <span>

namespace bgv::features {

// scipy.ndimage's "reflect" extension: the index of value i of an endless row built from n values
// (d c b a | a b c d | d c b a ...).
std::int64_t reflect_index(std::int64_t i, std::int64_t n);

// out[r][c] = the median of in[r][c - width/2 .. c + width/2] (row-major, rows × columns), the
// row reflected about its ends as often as a short row needs. Exact: the median is one of the
// inputs. `width` is odd (at most 31); rows are split over `threads` threads.
void median_filter_rows(std::span<const float> in, std::int64_t rows, std::int64_t columns,
                        int width, std::span<float> out, int threads);

// out[c] = the median of extended[c .. c + width) for c < out.size(): one row already extended
// by width/2 values on each side (by reflection, or by its neighbours in a longer row), as
// median_filter_rows computes each row. `extended` holds out.size() + width - 1 values.
void sliding_median(std::span<const float> extended, int width, std::span<float> out);

}  // namespace bgv::features
