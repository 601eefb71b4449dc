// image/raster: an 8-bit RGB raster with the few drawing operations bigganviz's pictures need
// (rectangles, lines, a 5x7 bitmap font), for the analysis picture and the studio.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace bgv::image {

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
    bool operator==(const Rgb&) const = default;
};

class RgbImage {
  public:
    RgbImage(int width, int height, Rgb background);

    int width() const { return width_; }
    int height() const { return height_; }
    Rgb at(int x, int y) const;
    // Drawing clips to the image: callers need not check bounds.
    void set(int x, int y, Rgb colour);
    void fill_rect(int x, int y, int width, int height, Rgb colour);
    void vertical_line(int x, int y0, int y1, Rgb colour);
    // Text in a 5x7 pixel font (digits, most letters, "#.:-+=_,/()"), each font pixel `scale`
    // pixels wide; (x, y) is the top left corner. Returns the width drawn.
    int draw_text(int x, int y, std::string_view text, Rgb colour, int scale = 1);
    static int text_width(std::string_view text, int scale = 1);

    const std::vector<std::uint8_t>& pixels() const { return pixels_; }

  private:
    int width_;
    int height_;
    std::vector<std::uint8_t> pixels_;  // row-major RGB
};

}  // namespace bgv::image
