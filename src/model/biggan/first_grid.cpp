#include "model/biggan/first_grid.h"

#include <algorithm>

#include "core/assert.h"
#include "runtime/matmul.h"

namespace bgv::biggan {

namespace {

// Floor division and the matching remainder (in 0..3) of a cell index counted from the window.
int window_of(int k) {
    return k >= 0 ? k / 4 : -((-k + 3) / 4);
}
int cell_in_window(int k) {
    return k - 4 * window_of(k);
}

// Mirror images of the window, edge cells repeated: ..1 0 | 0 1 2 3 | 3 2 1 0 | 0 1..
int reflected(int k) {
    const int m = ((k % 8) + 8) % 8;
    return m < 4 ? m : 7 - m;
}

void check_grid(const Grid& grid) {
    BGV_ASSERT(grid.rows >= 4 && grid.cols >= 4 && grid.rows <= kMaxCells && grid.cols <= kMaxCells,
               "first grid of {}x{} cells (4 to {} each way)", grid.rows, grid.cols, kMaxCells);
}

}  // namespace

int first_row_of_window(const Grid& grid) {
    return (grid.rows - 4) / 2;
}
int first_col_of_window(const Grid& grid) {
    return (grid.cols - 4) / 2;
}

std::vector<std::pair<int, int>> noise_windows(const Grid& grid) {
    check_grid(grid);
    std::vector<std::pair<int, int>> windows;
    if (grid.fill != Widen::noise)
        return windows;
    const int top = first_row_of_window(grid), left = first_col_of_window(grid);
    for (int wy = window_of(-top); wy <= window_of(grid.rows - 1 - top); ++wy)
        for (int wx = window_of(-left); wx <= window_of(grid.cols - 1 - left); ++wx)
            if (wy != 0 || wx != 0)
                windows.emplace_back(wy, wx);
    return windows;
}

void window_noise(std::span<const float> z, int wy, int wx, std::span<float> out) {
    BGV_ASSERT(out.size() == z.size() && !z.empty(), "window noise of {} values into {}", z.size(),
               out.size());
    const auto n = static_cast<std::int64_t>(z.size());
    const std::int64_t shift =
        ((static_cast<std::int64_t>(kWindowShiftRows) * wy + kWindowShiftCols * wx) % n + n) % n;
    for (std::int64_t i = 0; i < n; ++i)
        out[static_cast<std::size_t>(i)] = z[static_cast<std::size_t>((i - shift + n) % n)];
}

void place_cells(const Grid& grid, const float* own, std::span<const float* const> windows,
                 std::int64_t batch, std::int64_t channels, float* out) {
    const auto ids = noise_windows(grid);
    BGV_ASSERT(windows.size() == ids.size(), "{} window grids for {} windows", windows.size(),
               ids.size());
    const int top = first_row_of_window(grid), left = first_col_of_window(grid);
    const std::int64_t cell = channels, window_size = 16 * channels;
    for (std::int64_t b = 0; b < batch; ++b)
        for (int i = 0; i < grid.rows; ++i)
            for (int j = 0; j < grid.cols; ++j) {
                const int a = i - top, e = j - left;
                const float* source = nullptr;
                if (grid.fill == Widen::mirror) {
                    source = own + b * window_size + (reflected(a) * 4 + reflected(e)) * cell;
                } else {
                    const std::pair<int, int> id{window_of(a), window_of(e)};
                    const float* window = own;
                    if (id != std::pair<int, int>{0, 0})
                        window = windows[static_cast<std::size_t>(
                            std::find(ids.begin(), ids.end(), id) - ids.begin())];
                    source = window + b * window_size +
                             (cell_in_window(a) * 4 + cell_in_window(e)) * cell;
                }
                std::copy_n(source, channels,
                            out + ((b * grid.rows + i) * grid.cols + j) * channels);
            }
}

void widen_first_grid(runtime::Engine& engine, const Grid& grid, const FirstLayer& gen_z,
                      const float* cond, int batch, runtime::Tensor& x) {
    check_grid(grid);
    BGV_ASSERT(x.rank() == 4 && x.dim(0) == batch && x.dim(1) == 4 && x.dim(2) == 4,
               "gen_z's grid is {}, expected ({}, 4, 4, C)", x.shape_string(), batch);
    const std::int64_t channels = x.dim(3), outputs = 16 * channels;
    const auto ids = noise_windows(grid);
    // Every window's condition: the rotated noise, then the frame's class embedding.
    runtime::Tensor window_cond({static_cast<std::int64_t>(ids.size()) * batch, gen_z.cond_dim});
    for (std::size_t k = 0; k < ids.size(); ++k)
        for (int b = 0; b < batch; ++b) {
            const float* own = cond + static_cast<std::int64_t>(b) * gen_z.cond_dim;
            float* row =
                window_cond.data() + (static_cast<std::int64_t>(k) * batch + b) * gen_z.cond_dim;
            window_noise({own, static_cast<std::size_t>(gen_z.z_dim)}, ids[k].first, ids[k].second,
                         {row, static_cast<std::size_t>(gen_z.z_dim)});
            std::copy(own + gen_z.z_dim, own + gen_z.cond_dim, row + gen_z.z_dim);
        }
    runtime::Tensor window_grids({static_cast<std::int64_t>(ids.size()) * batch, outputs});
    if (!ids.empty())
        runtime::linear(engine, window_cond.data(), gen_z.weight, gen_z.bias, window_grids.data(),
                        static_cast<std::int64_t>(ids.size()) * batch, gen_z.cond_dim,
                        outputs);  // (windows·B, 4·4·C)
    std::vector<const float*> windows;
    for (std::size_t k = 0; k < ids.size(); ++k)
        windows.push_back(window_grids.data() + static_cast<std::int64_t>(k) * batch * outputs);
    runtime::Tensor wide({batch, grid.rows, grid.cols, channels});
    place_cells(grid, x.data(), windows, batch, channels, wide.data());  // (B, rows, cols, C)
    x = std::move(wide);
}

}  // namespace bgv::biggan
