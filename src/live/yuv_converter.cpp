#include "live/yuv_converter.h"

#include <algorithm>

#include "core/error.h"

namespace bgv::live {

YuvConverter::YuvConverter(int width, int height) : width_(width), height_(height) {
    if (width <= 0 || height <= 0 || width % 2 || height % 2)
        fail("picture size {}x{} must be positive and even", width, height);
    sws_.reset(sws_getContext(width, height, AV_PIX_FMT_RGB24, width, height, AV_PIX_FMT_YUV420P,
                              SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, nullptr, nullptr,
                              nullptr));
    if (!sws_)
        fail("cannot convert RGB to yuv420p");
    // RGB -> BT.709 limited range, as video/segment_writer.
    const int* coefficients = sws_getCoefficients(SWS_CS_ITU709);
    sws_setColorspaceDetails(sws_.get(), coefficients, 1, coefficients, 0, 0, 1 << 16, 1 << 16);
    frame_.reset(av_frame_alloc());
    frame_->format = AV_PIX_FMT_YUV420P;
    frame_->width = width;
    frame_->height = height;
    frame_->color_range = AVCOL_RANGE_MPEG;
    frame_->colorspace = AVCOL_SPC_BT709;
    frame_->color_primaries = AVCOL_PRI_BT709;
    frame_->color_trc = AVCOL_TRC_BT709;
    av::check(av_frame_get_buffer(frame_.get(), 0), "cannot allocate a video frame");
    input_.assign(static_cast<std::size_t>(width) * height * 3 + kInputPadding, 0);
}

YuvConverter::~YuvConverter() = default;

AVFrame* YuvConverter::convert(std::span<const std::uint8_t> rgb) {
    const auto expected = static_cast<std::size_t>(width_) * height_ * 3;
    if (rgb.size() != expected)
        fail("frame of {} bytes, expected {} ({}x{} RGB)", rgb.size(), expected, width_, height_);
    av::check(av_frame_make_writable(frame_.get()), "cannot write a video frame");
    // swscale's SIMD reads a little past the last pixel: it reads a padded copy.
    std::copy(rgb.begin(), rgb.end(), input_.begin());
    const std::uint8_t* source[1] = {input_.data()};
    const int stride[1] = {width_ * 3};
    sws_scale(sws_.get(), source, stride, 0, height_, frame_->data, frame_->linesize);
    return frame_.get();
}

}  // namespace bgv::live
