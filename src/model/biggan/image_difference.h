// model/biggan/image_difference: how far one generator output is from another, as the precision
// reports give it: PSNR of the 8-bit pixels (to_rgb8) and relative L2 of the float outputs.
#pragma once

#include <span>

namespace bgv::biggan {

struct ImageDifference {
    double psnr_db = 0.0;      // 10·log10(255² / MSE) over the pixels; 99 for identical pixels
    double relative_l2 = 0.0;  // ‖got − want‖₂ / ‖want‖₂
};

// got, want: one image each, CHW float32 in [-1, 1] (Generator::generate's layout), of
// height × width pixels.
ImageDifference image_difference(std::span<const float> got, std::span<const float> want,
                                 int height, int width);

}  // namespace bgv::biggan
