// live/yuv_converter: RGB frames as yuv420p (BT.709, limited range, as video/segment_writer
// encodes), the picture format of the live encoders and of the v4l2 camera output.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

extern "C" {
#include <libswscale/swscale.h>
}

#include "av/ffmpeg.h"

namespace bgv::live {

class YuvConverter {
  public:
    YuvConverter(int width, int height);
    ~YuvConverter();
    YuvConverter(const YuvConverter&) = delete;
    YuvConverter& operator=(const YuvConverter&) = delete;

    // Converts width x height x 3 bytes of RGB into frame(), which stays owned by the converter
    // (a new buffer when an encoder still holds the previous one).
    AVFrame* convert(std::span<const std::uint8_t> rgb);
    int width() const { return width_; }
    int height() const { return height_; }

  private:
    struct SwsDeleter {
        void operator()(SwsContext* s) const { sws_freeContext(s); }
    };
    int width_;
    int height_;
    std::unique_ptr<SwsContext, SwsDeleter> sws_;
    av::FramePtr frame_;
    static constexpr std::size_t kInputPadding = 64;
    std::vector<std::uint8_t> input_;  // the frame being converted, then kInputPadding zeros
};

}  // namespace bgv::live
