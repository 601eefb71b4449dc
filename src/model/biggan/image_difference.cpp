#include "model/biggan/image_difference.h"

#include <algorithm>
#include <cmath>

#include "core/assert.h"

namespace bgv::biggan {

namespace {

// The published tools' pixel: floor(clip((x + 1) / 2 · 256, 0, 255)) (generator.h, to_rgb8).
int pixel(float value) {
    return static_cast<int>(
        std::floor(std::clamp((static_cast<double>(value) + 1.0) / 2.0 * 256.0, 0.0, 255.0)));
}

}  // namespace

ImageDifference image_difference(std::span<const float> got, std::span<const float> want,
                                 int height, int width) {
    const std::size_t values = static_cast<std::size_t>(3) * height * width;
    BGV_ASSERT(got.size() == values && want.size() == values,
               "image difference: {} and {} values for 3 × {} × {}", got.size(), want.size(),
               height, width);
    double diff = 0.0, norm = 0.0, squared = 0.0;
    for (std::size_t i = 0; i < values; ++i) {
        const double d = static_cast<double>(got[i]) - want[i];
        diff += d * d;
        norm += static_cast<double>(want[i]) * want[i];
        const int p = pixel(got[i]) - pixel(want[i]);
        squared += static_cast<double>(p) * p;
    }
    ImageDifference result;
    result.relative_l2 = norm > 0.0 ? std::sqrt(diff / norm) : std::sqrt(diff);
    result.psnr_db = squared > 0.0
                         ? 10.0 * std::log10(255.0 * 255.0 * static_cast<double>(values) / squared)
                         : 99.0;
    return result;
}

}  // namespace bgv::biggan
