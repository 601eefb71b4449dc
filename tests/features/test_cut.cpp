// The -d option: analysing the first D seconds gives the features of the cut samples, with
// 1 + len / hop frames, and the frames that only see the cut agree with the whole song's.
#include <gtest/gtest.h>

#include "audio/load.h"
#include "features/features.h"
#include "reference.h"

namespace bgv::features {
namespace {

TEST(Cut, FirstSecondsAreTheFeaturesOfTheCutSamples) {
    const auto path = testing::audio_dir() / "chords_120bpm.wav";
    const auto whole = audio::load_mono(path, 22050);
    const double seconds = 3.0;
    const auto cut = audio::load_mono(path, 22050, seconds);
    const auto n = static_cast<std::size_t>(seconds * 22050);
    ASSERT_EQ(cut.samples.size(), n);
    ASSERT_TRUE(std::equal(cut.samples.begin(), cut.samples.end(), whole.samples.begin()));

    for (const int hop : {512, 256, 1024}) {
        const auto from_cut = compute_features(cut.samples, 22050, hop);
        const auto from_prefix =
            compute_features(std::span<const float>(whole.samples).first(n), 22050, hop);
        EXPECT_EQ(from_cut.frames, 1 + static_cast<std::int64_t>(n) / hop);
        EXPECT_EQ(from_cut.mel, from_prefix.mel);
        EXPECT_EQ(from_cut.chroma, from_prefix.chroma);
        EXPECT_EQ(from_cut.spec_mean, from_prefix.spec_mean);
        EXPECT_EQ(from_cut.grad_mean, from_prefix.grad_mean);
        EXPECT_EQ(from_cut.chromasort, from_prefix.chromasort);

        // Mel frames whose window ends inside the cut see the same samples as in the whole song.
        const auto full = compute_features(whole.samples, 22050, hop);
        const std::int64_t inside = (static_cast<std::int64_t>(n) - 1024) / hop + 1;
        for (int band = 0; band < kMelBands; ++band) {
            for (std::int64_t t = 0; t < inside; ++t) {
                ASSERT_EQ(from_cut.mel[static_cast<std::size_t>(band * from_cut.frames + t)],
                          full.mel[static_cast<std::size_t>(band * full.frames + t)])
                    << "band " << band << " frame " << t << " hop " << hop;
            }
        }
    }
}

TEST(Cut, ResampledFileCutHasOneFramePerHopPlusOne) {
    const auto cut =
        audio::load_mono(testing::audio_dir() / "silence_then_a440_48k.wav", 22050, 3.5);
    const auto features = compute_features(cut.samples, 22050, 512);
    EXPECT_EQ(features.frames, 1 + static_cast<std::int64_t>(cut.samples.size()) / 512);
    EXPECT_TRUE(testing::all_finite(features.chroma));
    EXPECT_TRUE(testing::all_finite(features.mel));
}

}  // namespace
}  // namespace bgv::features
