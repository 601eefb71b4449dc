#include "cli/png.h"

#include <png.h>

#include <vector>

#include "core/error.h"
#include "core/file.h"

namespace bgv::cli {

namespace {

void append_bytes(png_structp png, png_bytep data, png_size_t length) {
    auto* out = static_cast<std::vector<std::byte>*>(png_get_io_ptr(png));
    const auto* p = reinterpret_cast<const std::byte*>(data);
    out->insert(out->end(), p, p + length);
}

void flush_nothing(png_structp) {}

[[noreturn]] void png_failure(png_structp, png_const_charp message) {
    throw Error(std::string("libpng: ") + message);
}

}  // namespace

void write_png_rgb(const std::filesystem::path& path, std::span<const std::uint8_t> rgb, int width,
                   int height) {
    if (rgb.size() != static_cast<std::size_t>(width) * height * 3)
        fail("{}: {} bytes for a {}×{} RGB image", path.string(), rgb.size(), width, height);
    std::vector<std::byte> encoded;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, png_failure, nullptr);
    if (png == nullptr)
        fail("{}: libpng could not start", path.string());
    png_infop info = png_create_info_struct(png);
    try {
        png_set_write_fn(png, &encoded, append_bytes, flush_nothing);
        png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height),
                     8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                     PNG_FILTER_TYPE_DEFAULT);
        png_write_info(png, info);
        for (int y = 0; y < height; ++y)
            png_write_row(png, rgb.data() + static_cast<std::size_t>(y) * width * 3);
        png_write_end(png, nullptr);
    } catch (...) {
        png_destroy_write_struct(&png, &info);
        throw;
    }
    png_destroy_write_struct(&png, &info);
    AtomicFile file(path);
    file.write(encoded);
    file.commit();
}

}  // namespace bgv::cli
