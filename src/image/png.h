// image/png: RGB pixels as PNG bytes (libpng) and as PNG files written atomically, for generated
// frames, the analysis picture and thumbnails.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "image/raster.h"

namespace bgv::image {

// The image as a PNG file's bytes. Throws bgv::Error if libpng fails.
std::string encode_png(const RgbImage& image);
// rgb: height rows of width·3 bytes, RGB interleaved.
std::string encode_png_rgb(std::span<const std::uint8_t> rgb, int width, int height);
// encode_png_rgb written atomically (core/file).
void write_png_rgb(const std::filesystem::path& path, std::span<const std::uint8_t> rgb, int width,
                   int height);

}  // namespace bgv::image
