// SectionStream (the video's soundtrack, pulled a block at a time) gives exactly the samples
// decode_native collects whole: every channel, the same section, bit for bit, whatever the sizes
// of the reads; it stops cleanly when dropped early and reports a bad file.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "audio/decode.h"
#include "audio/section_stream.h"
#include "core/error.h"

namespace bgv::audio {
namespace {

const std::string kData = std::string(BGV_TEST_DATA) + "/audio/data";

// Reads the whole stream in reads of `sizes` sample times, taken in turn.
std::vector<float> read_all(SectionStream& stream, const std::vector<std::size_t>& sizes) {
    const auto channels = static_cast<std::size_t>(stream.info().channels);
    std::vector<float> all;
    std::vector<float> block;
    for (std::size_t turn = 0;; ++turn) {
        block.assign(sizes[turn % sizes.size()] * channels, -7.0f);
        const std::size_t got = stream.read(block);
        all.insert(all.end(), block.begin(),
                   block.begin() + static_cast<std::ptrdiff_t>(got * channels));
        if (got < sizes[turn % sizes.size()])
            return all;
    }
}

struct Case {
    std::string file;
    Section section;
};

TEST(SectionStream, GivesTheSamplesDecodeNativeCollects) {
    // Exact equality: both come from the one decode_section; only the hand-over differs.
    const std::vector<Case> cases = {
        {"stereo_sweep_noise_44k.flac", {}},
        {"stereo_sweep_noise_44k.flac", {1.25, 0.7, std::nullopt}},
        {"brahms_hungarian_dance_5.ogg", {3.0, 4.0, std::nullopt}},
        {"chords_120bpm.mp3", {0.5, std::nullopt, std::nullopt}},
        {"short_0p3s.opus", {}},
    };
    for (const auto& c : cases) {
        const NativeAudio whole = decode_native(kData + "/" + c.file, c.section.max_seconds, true,
                                                c.section.start_seconds);
        for (const auto& sizes : {std::vector<std::size_t>{1024}, {1, 4095, 333, 70000}}) {
            SectionStream stream(kData + "/" + c.file, c.section, 2);
            EXPECT_EQ(stream.info().sample_rate, whole.sample_rate) << c.file;
            ASSERT_EQ(stream.info().channels, whole.channels) << c.file;
            const std::vector<float> streamed = read_all(stream, sizes);
            ASSERT_EQ(streamed.size(), whole.interleaved.size()) << c.file;
            EXPECT_TRUE(streamed == whole.interleaved) << c.file;
            // After the end, reads give nothing.
            std::vector<float> more(static_cast<std::size_t>(whole.channels) * 8);
            EXPECT_EQ(stream.read(more), 0u) << c.file;
        }
    }
}

TEST(SectionStream, StopsWhenDroppedBeforeTheEnd) {
    // A reader that stops early (a failed muxer) must not leave the decoder waiting on a full
    // queue: the destructor returns, having read 10 ms of a 2-minute song.
    SectionStream stream(kData + "/brahms_hungarian_dance_5.ogg", {}, 1);
    std::vector<float> block(441 * static_cast<std::size_t>(stream.info().channels));
    EXPECT_EQ(stream.read(block), 441u);
}

TEST(SectionStream, ABadFileFails) {
    EXPECT_THROW(SectionStream(kData + "/image.png", {}), Error);
    EXPECT_THROW(SectionStream(kData + "/no_such_song.mp3", {}), Error);
    // A start past the end is found once decoding has begun: the first read says so.
    SectionStream past_the_end(kData + "/short_0p3s.wav", {5.0, std::nullopt, std::nullopt});
    std::vector<float> block(64 * static_cast<std::size_t>(past_the_end.info().channels));
    EXPECT_THROW(past_the_end.read(block), Error);
}

}  // namespace
}  // namespace bgv::audio
