#include "image/png.h"

#include <png.h>

#include <csetjmp>

#include "core/error.h"
#include "core/file.h"

namespace bgv::image {

namespace {

void append_bytes(png_structp png, png_bytep data, png_size_t length) {
    auto* out = static_cast<std::string*>(png_get_io_ptr(png));
    out->append(reinterpret_cast<const char*>(data), length);
}

void flush_nothing(png_structp) {}

// libpng reports errors by longjmp; nothing with a destructor lives in this frame.
bool encode_into(int width, int height, std::string* out, std::vector<png_bytep>* rows) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    if (png == nullptr)
        return false;
    png_infop info = png_create_info_struct(png);
    if (info == nullptr || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_set_write_fn(png, out, append_bytes, flush_nothing);
    png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_set_rows(png, info, rows->data());
    png_write_png(png, info, PNG_TRANSFORM_IDENTITY, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

}  // namespace

std::string encode_png_rgb(std::span<const std::uint8_t> rgb, int width, int height) {
    if (width <= 0 || height <= 0 ||
        rgb.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3) {
        fail("cannot encode {} bytes as a {}x{} RGB image", rgb.size(), width, height);
    }
    std::vector<png_bytep> rows(static_cast<std::size_t>(height));
    for (int y = 0; y < height; ++y) {
        // libpng only reads through these pointers when writing.
        rows[static_cast<std::size_t>(y)] =
            const_cast<png_bytep>(rgb.data() + static_cast<std::size_t>(y) * width * 3);
    }
    std::string out;
    if (!encode_into(width, height, &out, &rows))
        fail("libpng could not encode a {}x{} image", width, height);
    return out;
}

std::string encode_png(const RgbImage& image) {
    return encode_png_rgb(image.pixels(), image.width(), image.height());
}

void write_png_rgb(const std::filesystem::path& path, std::span<const std::uint8_t> rgb, int width,
                   int height) {
    write_file_atomic(path, encode_png_rgb(rgb, width, height));
}

}  // namespace bgv::image
