// Features at any frame rate (--fps): librosa's own at a whole hop, and at a fractional hop the
// features of the hop just below, interpolated linearly to the frame times.
#include <gtest/gtest.h>

#include <cmath>

#include "audio/load.h"
#include "features/frame_times.h"
#include "reference.h"

namespace bgv::features {
namespace {

const auto kSong = [] { return testing::audio_dir() / "chords_120bpm.wav"; };

TEST(FrameTimes, AnalysisHopIsTheFramesLengthOrTheWholeHopBelow) {
    EXPECT_EQ(analysis_hop({30, 1}, 22050), 735);
    EXPECT_EQ(analysis_hop({25, 1}, 22050), 882);
    EXPECT_EQ(analysis_hop({50, 1}, 22050), 441);
    EXPECT_EQ(analysis_hop({45, 1}, 22050), 490);
    EXPECT_EQ(analysis_hop({24, 1}, 22050), 918);        // 918.75
    EXPECT_EQ(analysis_hop({60, 1}, 22050), 367);        // 367.5
    EXPECT_EQ(analysis_hop({30000, 1001}, 22050), 735);  // 735.735
}

TEST(FrameTimes, InterpolationIsLinearInTimeAndHoldsTheLastValue) {
    // A ramp of value k at k·100 samples, sampled at 24 fps (918.75 samples): value 9.1875·i.
    std::vector<float> ramp(50);
    for (int k = 0; k < 50; ++k)
        ramp[k] = static_cast<float>(k);
    const auto out = interpolate_to_frame_times(ramp, 1, 50, 100, 22050, {24, 1}, 8);
    for (int i = 0; i < 6; ++i)
        EXPECT_NEAR(out[i], 9.1875 * i, 1e-5) << i;
    EXPECT_FLOAT_EQ(out[6], 49.0f);  // 55.1 is past the last value
}

TEST(FrameTimes, WholeHopRatesAreLibrosasFeaturesAtThatHop) {
    const auto pcm = audio::load_mono(kSong(), 22050, 3.0);
    for (const int fps : {30, 25}) {
        const auto at_rate = compute_features_at_rate(pcm.samples, 22050, {fps, 1});
        const auto at_hop = compute_features(pcm.samples, 22050, 22050 / fps);
        EXPECT_EQ(at_rate.frames, at_hop.frames);
        EXPECT_EQ(at_rate.mel, at_hop.mel);
        EXPECT_EQ(at_rate.chroma, at_hop.chroma);
        EXPECT_EQ(at_rate.spec_mean, at_hop.spec_mean);
    }
}

TEST(FrameTimes, FractionalHopInterpolatesTheHopBelowAtTheFrameTimes) {
    const auto pcm = audio::load_mono(kSong(), 22050, 3.0);
    const FrameRate rate{24, 1};
    const auto at_rate = compute_features_at_rate(pcm.samples, 22050, rate);
    const auto fine = compute_features(pcm.samples, 22050, 918);
    ASSERT_EQ(at_rate.frames, frame_count(66150, 22050, rate, FrameCounting::analysis));  // 73
    ASSERT_EQ(at_rate.frames, 73);
    EXPECT_EQ(at_rate.hop, 918);
    // Frame i lies at 918.75·i samples = fine frame 918.75·i / 918: frame 0 is fine frame 0
    // exactly, and every frame is the blend of the two fine frames around it.
    for (const std::int64_t i : {0, 1, 17, 40, 72}) {
        const double position = 918.75 * static_cast<double>(i) / 918.0;
        const auto left = static_cast<std::int64_t>(position);
        const double w = position - static_cast<double>(left);
        const auto right = std::min(left + 1, fine.frames - 1);
        for (const int band : {0, 30, 127}) {
            const double expected = fine.mel[band * fine.frames + left] * (1 - w) +
                                    fine.mel[band * fine.frames + right] * w;
            EXPECT_NEAR(at_rate.mel[band * at_rate.frames + i], expected,
                        1e-6 * std::abs(expected) + 1e-12)
                << "frame " << i << " band " << band;
        }
        float chroma_max = 0;
        for (int c = 0; c < 12; ++c)
            chroma_max = std::max(chroma_max, at_rate.chroma[c * at_rate.frames + i]);
        EXPECT_FLOAT_EQ(chroma_max, 1.0f) << "frame " << i;
    }
    // The curves at 24 fps follow those at 25 fps (librosa's at hop 882) closely in time: the
    // loudness at the same instants (every 0.04·k = 0.0416·j s, i.e. each second) agrees.
    const auto at_25 = compute_features_at_rate(pcm.samples, 22050, {25, 1});
    for (int second = 0; second <= 3; ++second) {
        EXPECT_NEAR(at_rate.spec_mean[24 * second], at_25.spec_mean[25 * second], 0.05)
            << second << " s";
    }
    EXPECT_TRUE(testing::all_finite(at_rate.grad_mean));
}

TEST(FrameTimes, SectionFeaturesAreThoseOfTheCutAudio) {
    // --start 1 -d 1.5 analyses exactly the samples of that section.
    const auto whole = audio::load_mono(kSong(), 22050);
    const auto section = audio::load_mono(kSong(), 22050, 1.5, 1.0);
    const std::span<const float> cut = std::span<const float>(whole.samples).subspan(22050, 33075);
    ASSERT_TRUE(std::equal(section.samples.begin(), section.samples.end(), cut.begin(), cut.end()));
    for (const FrameRate rate : {FrameRate{30, 1}, FrameRate{24, 1}}) {
        const auto a = compute_features_at_rate(section.samples, 22050, rate);
        const auto b = compute_features_at_rate(cut, 22050, rate);
        EXPECT_EQ(a.mel, b.mel);
        EXPECT_EQ(a.chroma, b.chroma);
        EXPECT_EQ(a.grad_mean, b.grad_mean);
    }
}

}  // namespace
}  // namespace bgv::features
