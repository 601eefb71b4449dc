// cli/png: writes 8-bit RGB images as PNG files (libpng), atomically.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

namespace bgv::cli {

// rgb: height rows of width·3 bytes, RGB interleaved.
void write_png_rgb(const std::filesystem::path& path, std::span<const std::uint8_t> rgb, int width,
                   int height);

}  // namespace bgv::cli
