// model/biggan/first_grid: gen_z's output laid out on a grid of other than 4x4 cells, the one
// change a frame of another shape needs (after gen_z the network is convolution, batch norm,
// upsampling and attention, which work on any grid). The rule is docs/shapes.md's, as
// tools/biggan_reference.py computes it.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "model/biggan/grid.h"
#include "runtime/engine.h"
#include "runtime/tensor.h"

namespace bgv::biggan {

// The frame's own 4x4 window sits at these cells of the grid.
int first_row_of_window(const Grid& grid);
int first_col_of_window(const Grid& grid);

// The windows (wy, wx) other than the frame's own (0, 0) that cells of a noise-filled grid lie in.
std::vector<std::pair<int, int>> noise_windows(const Grid& grid);

// Window (wy, wx)'s noise: z rotated by kWindowShiftRows · wy + kWindowShiftCols · wx places,
// out[i] = z[(i - shift) mod n] (torch.roll's direction).
void window_noise(std::span<const float> z, int wy, int wx, std::span<float> out);

// Lays out the cells: `own` (batch, 4, 4, channels) is the frame's gen_z grid, `windows[k]` the
// grid of noise_windows(grid)[k] (empty for mirror); out is (batch, rows, cols, channels).
void place_cells(const Grid& grid, const float* own, std::span<const float* const> windows,
                 std::int64_t batch, std::int64_t channels, float* out);

// gen_z's weights as the generator holds them: (outputs, cond_dim) and `outputs` biases.
struct FirstLayer {
    const float* weight = nullptr;
    const float* bias = nullptr;
    int z_dim = 0;
    int cond_dim = 0;
};

// x holds gen_z(cond) as (batch, 4, 4, C) on entry and the grid's (batch, rows, cols, C) on return;
// cond is (batch, cond_dim), the noise first. For noise, gen_z runs once more for every window, on
// the rotated noise and the frame's own class embedding.
void widen_first_grid(runtime::Engine& engine, const Grid& grid, const FirstLayer& gen_z,
                      const float* cond, int batch, runtime::Tensor& x);

}  // namespace bgv::biggan
