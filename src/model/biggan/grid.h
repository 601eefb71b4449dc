// model/biggan/grid: the shape of the generator's first grid of cells (4x4 in the published
// network; wider or taller for other aspects, docs/shapes.md) and how the cells beyond the frame's
// own 4x4 are filled; the aspect a user asks for (--aspect W:H) mapped to whole cells.
#pragma once

#include <string_view>

namespace bgv::biggan {

// mirror: mirror images of the frame's own cells; noise: cells of gen_z applied to the frame's
// noise rotated (a neighbouring scene that continues the frame's).
enum class Widen { mirror, noise };

struct Grid {
    int rows = 4;
    int cols = 4;
    Widen fill = Widen::mirror;

    bool square() const { return rows == 4 && cols == 4; }
    // The frame's size in pixels for a model of `resolution` (a cell is resolution / 4 pixels).
    int width(int resolution) const { return cols * (resolution / 4); }
    int height(int resolution) const { return rows * (resolution / 4); }
    bool operator==(const Grid&) const = default;
};

// Rotation of the noise per window step (docs/shapes.md): window (wy, wx) uses the frame's noise
// rotated by kWindowShiftRows · wy + kWindowShiftCols · wx places.
inline constexpr int kWindowShiftRows = 41;
inline constexpr int kWindowShiftCols = 17;
inline constexpr int kMaxCells = 16;  // 4:1 and 1:4

struct Aspect {
    double width = 1;
    double height = 1;
};

// "16:9", "9:16", "2.39:1": positive numbers, their ratio within 1:4 to 4:1. UsageError with one
// line otherwise ("--aspect 10:1: ...").
Aspect parse_aspect(std::string_view text);
Widen parse_widen(std::string_view name);
std::string_view widen_name(Widen fill);

// The short side keeps 4 cells, the long side the nearest whole number of cells to 4 × the ratio
// (halves round up): 16:9 → 4×7, 9:16 → 7×4, 21:9 → 4×9, 4:3 → 4×5, 1:1 → 4×4 (the published
// network, bit for bit).
Grid grid_for_aspect(Aspect aspect, Widen fill);

}  // namespace bgv::biggan
