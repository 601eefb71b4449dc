// compute_features against librosa 0.10.2's outputs for the lossless fixtures, at every hop the
// manifest lists.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "features/features.h"
#include "reference.h"
#include "wav_reader.h"

namespace bgv::features {
namespace {

using testing::all_finite;
using testing::max_abs_error;
using testing::reference;
using testing::relative_error;

struct Case {
    std::string file;  // fixture audio file name
    int hop = 512;
};

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    auto name = info.param.file.substr(0, info.param.file.find('.')) + "_hop" +
                std::to_string(info.param.hop);
    return name;
}

class LibrosaMatch : public ::testing::TestWithParam<Case> {};

TEST_P(LibrosaMatch, MelChromaAndOrder) {
    const auto& [file, hop] = GetParam();
    const auto samples = testing::read_pcm16_mono_wav(testing::data_dir() / "audio" / file);
    const auto entry = testing::manifest()["files"][file];
    ASSERT_EQ(static_cast<std::int64_t>(samples.size()),
              entry["samples_at_22050"].get<std::int64_t>());
    const auto expected = entry["hops"][std::to_string(hop)];

    const auto features = compute_features(samples, 22050, hop);
    ASSERT_EQ(features.frames, expected["frames"].get<std::int64_t>());
    ASSERT_EQ(features.frames, 1 + static_cast<std::int64_t>(samples.size()) / hop);

    const auto mel_ref = reference(expected["mel"].get<std::string>());
    const auto chroma_ref = reference(expected["chroma"].get<std::string>());
    ASSERT_EQ(mel_ref.size(), static_cast<std::int64_t>(features.mel.size()));
    ASSERT_EQ(chroma_ref.size(), static_cast<std::int64_t>(features.chroma.size()));
    const double mel_error = relative_error(features.mel, mel_ref.data);
    const double chroma_error = max_abs_error(features.chroma, chroma_ref.data);
    fmt::print("{} hop {}: mel relative error {:.3g}, chroma max abs error {:.3g}, tuning {}\n",
               file, hop, mel_error, chroma_error, features.tuning);
    // librosa rounds the STFT to complex64 and sums in float32; we sum in double: ~1e-7 apart.
    EXPECT_LE(mel_error, 1e-4);
    // float32 filters and soxr builds differ in rounding only; a wrong tuning would cost ~1e-2.
    EXPECT_LE(chroma_error, 1e-3);
    std::array<int, 12> order{};
    for (int i = 0; i < 12; ++i) {
        order[static_cast<std::size_t>(i)] =
            expected["chromasort"][static_cast<std::size_t>(i)].get<int>();
    }
    EXPECT_EQ(features.chromasort, order);

    EXPECT_TRUE(all_finite(features.mel));
    EXPECT_TRUE(all_finite(features.chroma));
    EXPECT_TRUE(all_finite(features.spec_mean));
    EXPECT_TRUE(all_finite(features.grad_mean));
    if (expected.contains("spec_mean")) {
        const auto spec_ref = reference(expected["spec_mean"].get<std::string>());
        const auto grad_ref = reference(expected["grad_mean"].get<std::string>());
        const double spec_error = max_abs_error(features.spec_mean, spec_ref.data);
        const double grad_error = max_abs_error(features.grad_mean, grad_ref.data);
        fmt::print("{} hop {}: spec_mean max abs error {:.3g}, grad_mean max abs error {:.3g}\n",
                   file, hop, spec_error, grad_error);
        // Both are in [0, 1], derived from the mel spectrogram matched to 1e-4 above.
        EXPECT_LE(spec_error, 1e-4);
        EXPECT_LE(grad_error, 1e-4);
    }
}

INSTANTIATE_TEST_SUITE_P(Wav22050, LibrosaMatch,
                         ::testing::Values(Case{"chords_120bpm.wav", 512},
                                           Case{"chords_120bpm.wav", 256},
                                           Case{"chords_120bpm.wav", 1024},
                                           Case{"short_0p3s.wav", 512},
                                           Case{"all_silence_2s.wav", 512}),
                         case_name);

}  // namespace
}  // namespace bgv::features
