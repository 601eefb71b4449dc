// core/frame_rate: a video frame rate as an exact fraction (30, 24000/1001), so that the encoder,
// the frame times and the audio features all agree on where frame i lies: at i·den/num seconds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bgv {

struct FrameRate {
    std::int64_t num = 0;  // frames ...
    std::int64_t den = 1;  // ... per this many seconds

    double per_second() const { return static_cast<double>(num) / static_cast<double>(den); }
    // The hop in samples when a frame is a whole number of samples at `sample_rate`, else 0.
    int whole_hop(int sample_rate) const;
    std::string text() const;  // "30", "30000/1001"
    bool operator==(const FrameRate&) const = default;
};

// The two ways the program counts the frames of `samples` samples at `sample_rate`, frame i
// starting at i·den/num seconds.
enum class FrameCounting {
    // The frames that start before the samples end, ceil(samples·num / (sample_rate·den)): what a
    // video of the samples shows (its last frame may run past the end by less than one frame).
    video,
    // Also a frame starting exactly at the end, 1 + floor(samples·num / (sample_rate·den)):
    // librosa's count of centred frames (1 + samples / hop at a whole hop), the features' count.
    analysis
};
// The one place that counts frames at a rate. Exact in integers for any fraction.
std::int64_t frame_count(std::int64_t samples, int sample_rate, FrameRate rate,
                         FrameCounting counting);

// --fps: 23.976, 29.97, 47.952, 59.94 and 119.88 are the NTSC rates (24000/1001 ...); any other
// number is taken exactly to three decimals (12.5 = 25/2). Throws UsageError outside 1–120.
FrameRate parse_frame_rate(std::string_view text);

// The original tool's rate: one frame every frame_length samples at 22050 Hz.
FrameRate frame_rate_of_hop(int sample_rate, int hop);

}  // namespace bgv
