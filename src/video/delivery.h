// video/delivery: the size a video is delivered at (--size WxH) when it differs from the generated
// frames, and how a frame of another aspect is fitted into it: cropped, padded with black, or laid
// over a blurred, enlarged copy of itself.
#pragma once

#include <string_view>

namespace bgv::video {

enum class Fit { crop, pad, blur };

struct FrameSize {
    int width = 0;
    int height = 0;
    bool operator==(const FrameSize&) const = default;
};

// "1920x1080": both even (4:2:0 video), 16 to 8192. UsageError with one line otherwise.
FrameSize parse_frame_size(std::string_view text);
Fit parse_fit(std::string_view name);
std::string_view fit_name(Fit fit);

struct Delivery {
    FrameSize size;  // {0, 0}: the generated size, no scaling
    Fit fit = Fit::crop;
};

// Where a frame scaled by one factor lands in the delivered frame: scaled to `width` × `height`,
// its top-left corner at (x, y) of the delivered frame (negative: cut off on that side).
struct Placement {
    int width = 0, height = 0;
    int x = 0, y = 0;
};
// Scaled to cover the whole target (the parts beyond it are cut, as much on each side).
Placement cover(FrameSize from, FrameSize to);
// Scaled to fit inside the target, centred.
Placement contain(FrameSize from, FrameSize to);

}  // namespace bgv::video
