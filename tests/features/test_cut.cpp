// The -d option: analysing the first D seconds gives librosa's features of the cut audio, with
// 1 + len / hop frames, and the frames that only see the cut agree with the whole song's.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

    // librosa's features of the same cut (librosa.load(..., duration=3.0); made by
    // data/scripts/make_cut_fixtures.py), with the lossless bounds of test_librosa_match.
    std::ifstream manifest_file(testing::data_dir() / "librosa_cut" / "manifest.json");
    const auto manifest = nlohmann::json::parse(manifest_file);
    ASSERT_EQ(manifest["samples_at_22050"].get<std::size_t>(), n);
    const auto reference = [](int hop, const std::string& name) {
        return read_npy_f32(testing::data_dir() / "librosa_cut" /
                            ("hop" + std::to_string(hop) + "__" + name + ".npy"));
    };
    for (const int hop : {512, 256, 1024}) {
        const auto from_cut = compute_features(cut.samples, 22050, hop);
        const auto& expected = manifest["hops"][std::to_string(hop)];
        ASSERT_EQ(from_cut.frames, 1 + static_cast<std::int64_t>(n) / hop);
        ASSERT_EQ(from_cut.frames, expected["frames"].get<std::int64_t>());
        const auto mel = reference(hop, "mel"), chroma = reference(hop, "chroma");
        const auto spec = reference(hop, "spec_mean"), grad = reference(hop, "grad_mean");
        ASSERT_EQ(mel.data.size(), from_cut.mel.size());
        ASSERT_EQ(chroma.data.size(), from_cut.chroma.size());
        ASSERT_EQ(spec.data.size(), from_cut.spec_mean.size());
        ASSERT_EQ(grad.data.size(), from_cut.grad_mean.size());
        EXPECT_LE(testing::relative_error(from_cut.mel, mel.data), 1e-4) << "hop " << hop;
        EXPECT_LE(testing::max_abs_error(from_cut.chroma, chroma.data), 1e-3) << "hop " << hop;
        EXPECT_LE(testing::max_abs_error(from_cut.spec_mean, spec.data), 1e-4) << "hop " << hop;
        EXPECT_LE(testing::max_abs_error(from_cut.grad_mean, grad.data), 1e-4) << "hop " << hop;
        const auto order = expected["chromasort"].get<std::vector<int>>();
        EXPECT_TRUE(std::equal(order.begin(), order.end(), from_cut.chromasort.begin(),
                               from_cut.chromasort.end()))
            << "hop " << hop;

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
