// features/median_filter: running medians of odd width along a matrix's rows, with the "reflect"
// edges of scipy.ndimage.median_filter that librosa's harmonic/percussive separation uses.
#pragma once

#include <cstdint>
#include <span>

namespace bgv::features {

// out[r][c] = the median of in[r][c - width/2 .. c + width/2] (row-major, rows × columns), the
// row reflected about its ends as often as a short row needs. Exact: the median is one of the
// inputs. `width` is odd (at most 31); rows are split over `threads` threads.
void median_filter_rows(std::span<const float> in, std::int64_t rows, std::int64_t columns,
                        int width, std::span<float> out, int threads);

}  // namespace bgv::features
