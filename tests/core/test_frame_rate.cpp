// core/frame_rate: the one frame count, against frames enumerated one by one (frame i starts at
// i·den/num s; compared exactly, in integers, with the end at samples/sample_rate s) over rates
// with whole and fractional hops and lengths around frame boundaries.
#include <gtest/gtest.h>

#include <vector>

#include "core/frame_rate.h"

using bgv::FrameCounting;
using bgv::FrameRate;

namespace {
// Frames whose start lies before the end (`at_end`: or exactly at it), counted one at a time.
std::int64_t enumerated(std::int64_t samples, int sample_rate, FrameRate rate, bool at_end) {
    std::int64_t count = 0;
    // frame i starts at i·den/num s; the end is samples/sample_rate s.
    for (std::int64_t i = 0;; ++i) {
        const std::int64_t start = i * rate.den * sample_rate, end = samples * rate.num;
        if (start < end || (at_end && start == end))
            ++count;
        else
            return count;
    }
}
}  // namespace

TEST(FrameCount, MatchesFramesCountedOneByOne) {
    const std::vector<FrameRate> rates = {{22050, 512}, {22050, 2048}, {30, 1},       {24, 1},
                                          {60, 1},      {30000, 1001}, {24000, 1001}, {25, 2}};
    for (const FrameRate rate : rates) {
        for (const int sample_rate : {22050, 44100}) {
            // Lengths on and either side of frame boundaries, and a few others.
            std::vector<std::int64_t> lengths = {0, 1, 2, 367, 1000, 22049, 22050, 22051, 66150};
            for (std::int64_t i : {1, 7, 100}) {
                const std::int64_t boundary = i * rate.den * sample_rate / rate.num;
                lengths.insert(lengths.end(), {boundary - 1, boundary, boundary + 1});
            }
            for (const std::int64_t samples : lengths) {
                SCOPED_TRACE(testing::Message() << samples << " samples at " << sample_rate
                                                << " Hz, " << rate.text() << " fps");
                EXPECT_EQ(bgv::frame_count(samples, sample_rate, rate, FrameCounting::video),
                          enumerated(samples, sample_rate, rate, false));
                EXPECT_EQ(bgv::frame_count(samples, sample_rate, rate, FrameCounting::analysis),
                          enumerated(samples, sample_rate, rate, true));
            }
        }
    }
}

TEST(FrameCount, TheTwoCountsDifferOnlyWhenAFrameStartsAtTheEnd) {
    // librosa's 1 + samples / hop at a whole hop; the video stops before a frame at the end.
    EXPECT_EQ(bgv::frame_count(5120, 22050, {22050, 512}, FrameCounting::analysis), 11);
    EXPECT_EQ(bgv::frame_count(5120, 22050, {22050, 512}, FrameCounting::video), 10);
    EXPECT_EQ(bgv::frame_count(5121, 22050, {22050, 512}, FrameCounting::analysis), 11);
    EXPECT_EQ(bgv::frame_count(5121, 22050, {22050, 512}, FrameCounting::video), 11);
    // 24 fps is 918.75 samples a frame: one second holds 24 frames and a 25th at its end.
    EXPECT_EQ(bgv::frame_count(22050, 22050, {24, 1}, FrameCounting::analysis), 25);
    EXPECT_EQ(bgv::frame_count(22050, 22050, {24, 1}, FrameCounting::video), 24);
    EXPECT_EQ(bgv::frame_count(0, 22050, {24, 1}, FrameCounting::analysis), 1);
    EXPECT_EQ(bgv::frame_count(0, 22050, {24, 1}, FrameCounting::video), 0);
}
