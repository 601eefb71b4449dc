// The passes that hold memory bounded per minute of audio (issue 20) compute a long song block by
// block: each must give the bits the whole-song computation gives, whatever the block size, so
// that the librosa comparisons made on short fixtures hold for hour-long songs. Block sizes of a
// few frames put many boundaries into a few seconds of audio.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "features/chroma.h"
#include "features/cqt.h"
#include "features/features.h"
#include "features/octave_resample.h"
#include "features/stft.h"

namespace bgv::features {
namespace {

// A chord that changes every half second over pink-ish noise: every bin and octave sees signal.
std::vector<float> music(double seconds, int rate) {
    const auto n = static_cast<std::size_t>(seconds * rate);
    std::vector<float> samples(n);
    unsigned state = 12345;
    float brown = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / rate;
        const double root = 110.0 * std::pow(2.0, static_cast<int>(t * 2) % 7 / 12.0);
        state = state * 1664525U + 1013904223U;
        brown = 0.98f * brown + 0.02f * (static_cast<float>(state >> 8) / 8388608.0f - 1.0f);
        samples[i] = static_cast<float>(0.3 * std::sin(2 * std::numbers::pi * root * t) +
                                        0.2 * std::sin(2 * std::numbers::pi * root * 1.5 * t) +
                                        0.1 * std::sin(2 * std::numbers::pi * root * 4 * t)) +
                     brown;
    }
    return samples;
}

TEST(OctaveChain, EqualsTheWholeDownsamplingsBitForBit) {
    const auto source = music(3.3, 22050);
    // Early downsampling by 4, then two halvings, as a 44.1 kHz transform would chain them.
    OctaveChain chain(source, {4, 2, 2});
    std::vector<std::vector<float>> whole = {source};
    for (const int factor : {4, 2, 2})
        whole.push_back(downsample_soxr_hq(whole.back(), factor));
    // Walk every stage in steps, releasing behind, as the transform does.
    for (int stage = 0; stage < chain.stages(); ++stage)
        ASSERT_EQ(chain.length(stage), static_cast<std::int64_t>(whole[stage].size()));
    // Stage 3 sample p sits near stage k sample p · scale[k].
    const std::int64_t scale[] = {16, 4, 2, 1};
    for (std::int64_t from = 0; from < chain.length(3); from += 97) {
        for (int stage = chain.stages() - 1; stage >= 0; --stage) {
            const std::int64_t begin = from * scale[stage];
            const auto window = chain.window(stage, begin, begin + 300);
            for (std::size_t i = 0; i < window.samples.size(); ++i)
                ASSERT_EQ(window.samples[i],
                          whole[stage][static_cast<std::size_t>(window.first) + i])
                    << "stage " << stage << " sample " << window.first + i;
            chain.release(stage, begin);
        }
    }
}

TEST(CqtBlocks, AnyBlockSizeGivesTheWholeTransform) {
    // Hop 512 halves six times; 735 never (odd); at 44.1 kHz the signal is downsampled early.
    for (const auto& [rate, hop] :
         {std::pair{22050, 512}, std::pair{22050, 735}, std::pair{44100, 1024}}) {
        SCOPED_TRACE(testing::Message() << rate << " Hz, hop " << hop);
        const auto samples = music(3.1, rate);
        CqtSpec spec;
        spec.n_bins = 7 * 36;
        spec.bins_per_octave = 36;
        spec.tuning = 0.13;
        const auto whole = cqt_magnitude(samples, rate, hop, spec, 2);
        for (const std::int64_t block : {3, 64}) {
            CqtBlocks blocks(samples, rate, hop, spec);
            ASSERT_EQ(blocks.frames(), whole.frames);
            CqtMagnitude part;
            for (std::int64_t first = 0; first < whole.frames; first += block) {
                blocks.compute(first, first + block, part, 1);
                for (int bin = 0; bin < whole.n_bins; ++bin) {
                    for (std::int64_t t = 0; t < part.frames; ++t) {
                        ASSERT_EQ(part.magnitude[static_cast<std::size_t>(bin * part.frames + t)],
                                  whole.magnitude[static_cast<std::size_t>(bin * whole.frames +
                                                                           first + t)])
                            << "block " << block << " bin " << bin << " frame " << first + t;
                    }
                }
            }
        }
    }
}

TEST(Chroma, AnyBlockSizeGivesTheSameChromagram) {
    const auto samples = music(5.0, 22050);
    const auto whole = chroma_cqt(samples, 22050, 512, 0.0, 2, 1 << 20);
    for (const std::int64_t block : {1, 5, 100}) {
        const auto blocked = chroma_cqt(samples, 22050, 512, 0.0, 2, block);
        EXPECT_EQ(blocked.frames, whole.frames);
        EXPECT_EQ(blocked.chroma, whole.chroma) << "block " << block;
    }
}

TEST(Features, WithoutTheMelTheSummariesAreTheSame) {
    const auto samples = music(6.0, 22050);
    for (const int hop : {512, 500}) {
        SCOPED_TRACE(hop);
        const auto whole =
            compute_features(samples, 22050, hop, {.keep_mel = true, .block_frames = 1 << 20});
        const auto lean =
            compute_features(samples, 22050, hop, {.keep_mel = false, .block_frames = 9});
        EXPECT_TRUE(lean.mel.empty());
        EXPECT_EQ(static_cast<std::int64_t>(whole.mel.size()), 128 * whole.frames);
        EXPECT_EQ(lean.frames, whole.frames);
        EXPECT_EQ(lean.chroma, whole.chroma);
        EXPECT_EQ(lean.spec_mean, whole.spec_mean);
        EXPECT_EQ(lean.grad_mean, whole.grad_mean);
        EXPECT_EQ(lean.chromasort, whole.chromasort);
        EXPECT_EQ(lean.tuning, whole.tuning);
    }
}

}  // namespace
}  // namespace bgv::features
