#include <gtest/gtest.h>
#include <png.h>

#include <string>
#include <vector>

#include "image/png.h"

namespace bgv::image {
namespace {

TEST(Png, EncodesPixelsThatDecodeBackExactly) {
    RgbImage picture(37, 11, Rgb{1, 2, 3});
    picture.fill_rect(5, 2, 10, 4, Rgb{200, 100, 50});
    picture.draw_text(0, 3, "C#", Rgb{255, 255, 255});
    const std::string png = encode_png(picture);
    ASSERT_GT(png.size(), 8u);
    EXPECT_EQ(png.substr(1, 3), "PNG");

    png_image decoded{};
    decoded.version = PNG_IMAGE_VERSION;
    ASSERT_TRUE(png_image_begin_read_from_memory(&decoded, png.data(), png.size()));
    decoded.format = PNG_FORMAT_RGB;
    EXPECT_EQ(decoded.width, 37u);
    EXPECT_EQ(decoded.height, 11u);
    std::vector<std::uint8_t> pixels(PNG_IMAGE_SIZE(decoded));
    ASSERT_TRUE(png_image_finish_read(&decoded, nullptr, pixels.data(), 0, nullptr));
    EXPECT_EQ(pixels, picture.pixels());
    // The text drew something: '#' has pixels in row 3+2 of the glyph at x = 6..10.
    EXPECT_EQ(picture.at(7, 3 + 2), (Rgb{255, 255, 255}));
}

}  // namespace
}  // namespace bgv::image
