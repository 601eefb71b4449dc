// compute_features on audio::load_mono's samples against librosa 0.10.2's outputs, for every
// fixture file and hop in the manifest. Lossless inputs must match closely; lossy ones carry the
// differences between FFmpeg's decoders and the ones librosa used, with bounds stated per file.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "audio/load.h"
#include "features/features.h"
#include "reference.h"

namespace bgv::features {
namespace {

using testing::all_finite;
using testing::max_abs_error;
using testing::reference;
using testing::relative_error;

struct Bounds {
    double mel_relative = 0;  // ‖ours − ref‖ / ‖ref‖ over the whole mel spectrogram
    double chroma_abs = 0;    // worst |ours − ref| over the chromagram
    double summary_abs = 0;   // worst |ours − ref| of spec_mean and grad_mean
    bool same_order = true;   // chromasort identical
};

struct Case {
    std::string file;
    int hop = 512;
    Bounds bounds;
};

// Lossless files: the same samples as librosa (bit for bit at 22050 Hz, through the same soxr
// recipe otherwise), so only float32 rounding separates us: mel ~1e-7, chroma <= 6e-6 at 22050 Hz
// and ~1e-4 in the quiet last frames of resampled files. A tuning one 0.01 step off costs 6e-3 of
// chroma, a wrong window or filter far more, so the bounds catch real mistakes.
const Bounds kLossless{1e-4, 1e-3, 1e-4, true};

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    return testing::case_label(info.param.file, info.param.hop);
}

class LibrosaMatch : public ::testing::TestWithParam<Case> {};

TEST_P(LibrosaMatch, MelChromaSummariesAndOrder) {
    const auto& [file, hop, bounds] = GetParam();
    const auto pcm = audio::load_mono(testing::audio_dir() / file, 22050);
    const auto entry = testing::manifest()["files"][file];
    const auto expected = entry["hops"][std::to_string(hop)];

    const auto features = compute_features(pcm.samples, 22050, hop);
    EXPECT_EQ(features.frames, 1 + static_cast<std::int64_t>(pcm.samples.size()) / hop);
    EXPECT_TRUE(all_finite(features.mel));
    EXPECT_TRUE(all_finite(features.chroma));
    EXPECT_TRUE(all_finite(features.spec_mean));
    EXPECT_TRUE(all_finite(features.grad_mean));
    ASSERT_EQ(static_cast<std::int64_t>(pcm.samples.size()),
              entry["samples_at_22050"].get<std::int64_t>());
    ASSERT_EQ(features.frames, expected["frames"].get<std::int64_t>());

    const auto mel_ref = reference(expected["mel"].get<std::string>());
    const auto chroma_ref = reference(expected["chroma"].get<std::string>());
    ASSERT_EQ(mel_ref.size(), static_cast<std::int64_t>(features.mel.size()));
    ASSERT_EQ(chroma_ref.size(), static_cast<std::int64_t>(features.chroma.size()));
    const double mel_error = relative_error(features.mel, mel_ref.data);
    fmt::print("{} hop {}: mel relative error {:.3g}, tuning {:.2f}\n", file, hop, mel_error,
               features.tuning);
    EXPECT_LE(mel_error, bounds.mel_relative);

    // Frames whose constant-Q energy is below float32's resolution of the loudest frame hold
    // rounding noise (soxr's FFT filtering of the octaves spreads ~1e-7 of a block's content into
    // digital silence next to it), which the per-frame normalisation blows up to a maximum of 1 in
    // librosa and here alike but with different noise. Chroma is compared on the other frames,
    // and the noise frames are checked for validity only.
    const auto noise = testing::noise_frames(pcm.samples, hop, features.tuning, features.frames);
    std::vector<float> ours_signal;
    std::vector<float> ref_signal;
    std::vector<bool> keep(static_cast<std::size_t>(features.frames));
    std::int64_t n_noise = 0;
    for (std::int64_t t = 0; t < features.frames; ++t) {
        keep[static_cast<std::size_t>(t)] = !noise[static_cast<std::size_t>(t)];
        n_noise += noise[static_cast<std::size_t>(t)] ? 1 : 0;
    }
    for (int c = 0; c < 12; ++c) {
        for (std::int64_t t = 0; t < features.frames; ++t) {
            const auto at = static_cast<std::size_t>(c * features.frames + t);
            if (keep[static_cast<std::size_t>(t)]) {
                ours_signal.push_back(features.chroma[at]);
                ref_signal.push_back(chroma_ref.data[at]);
            } else {
                EXPECT_GE(features.chroma[at], 0.0F);
                EXPECT_LE(features.chroma[at], 1.0F);
            }
        }
    }
    const double chroma_error = max_abs_error(ours_signal, ref_signal);
    fmt::print("{} hop {}: chroma max abs error {:.3g} over {} frames ({} noise frames left out)\n",
               file, hop, chroma_error, features.frames - n_noise, n_noise);
    EXPECT_LE(chroma_error, bounds.chroma_abs);

    std::array<int, 12> order{};
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = expected["chromasort"][i].get<int>();
    }
    if (bounds.same_order) {
        if (n_noise == 0) {
            EXPECT_EQ(features.chromasort, order);
        } else {
            // librosa's order includes its noise frames; compare the order over the others.
            EXPECT_EQ(testing::chroma_order_over(features.chroma, keep),
                      testing::chroma_order_over(chroma_ref.data, keep));
            fmt::print("{} hop {}: chromasort over all frames: ours {}, librosa {}\n", file, hop,
                       fmt::join(features.chromasort, " "), fmt::join(order, " "));
        }
    }

    if (expected.contains("spec_mean")) {
        const auto spec_ref = reference(expected["spec_mean"].get<std::string>());
        const auto grad_ref = reference(expected["grad_mean"].get<std::string>());
        const double spec_error = max_abs_error(features.spec_mean, spec_ref.data);
        const double grad_error = max_abs_error(features.grad_mean, grad_ref.data);
        fmt::print("{} hop {}: spec_mean max abs error {:.3g}, grad_mean max abs error {:.3g}\n",
                   file, hop, spec_error, grad_error);
        EXPECT_LE(spec_error, bounds.summary_abs);
        EXPECT_LE(grad_error, bounds.summary_abs);
    } else {
        // librosa's spec_mean is 0/0 for silence; ours is defined as 0.
        for (const float v : features.spec_mean) {
            EXPECT_EQ(v, 0.0F);
        }
        for (const float v : features.grad_mean) {
            EXPECT_EQ(v, 0.0F);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Lossless, LibrosaMatch,
                         ::testing::Values(Case{"chords_120bpm.wav", 512, kLossless},
                                           Case{"chords_120bpm.wav", 256, kLossless},
                                           Case{"chords_120bpm.wav", 1024, kLossless},
                                           Case{"short_0p3s.wav", 512, kLossless},
                                           Case{"all_silence_2s.wav", 512, kLossless},
                                           Case{"silence_then_a440_48k.wav", 512, kLossless},
                                           Case{"stereo_sweep_noise_44k.flac", 512, kLossless}),
                         case_name);

// Lossy files depend on the decoder: librosa decoded them with libsndfile or audioread (FFmpeg);
// FFmpeg 5.1 here gives the same samples to ~1e-6 (measured: mel 1e-7..5e-7, chroma 5e-7..6e-6).
// The bounds allow decoders that round differently (about one 16-bit step per sample, which
// normalised quiet frames magnify) while still catching a wrong decode, gain or start offset
// (measured on the mp3: 64 samples late costs mel 0.096 and chroma 0.031, a 0.9 gain mel 0.19).
// The order must match: adjacent mean chroma values differ by >= 1.2e-3 in these files, well
// above such rounding.
const Bounds kLossy{1e-3, 1e-2, 1e-3, true};

INSTANTIATE_TEST_SUITE_P(Lossy, LibrosaMatch,
                         ::testing::Values(Case{"chords_120bpm.mp3", 512, kLossy},
                                           Case{"chords_120bpm.m4a", 512, kLossy},
                                           Case{"trumpet.ogg", 512, kLossy},
                                           Case{"brahms_hungarian_dance_5.ogg", 512, kLossy}),
                         case_name);

}  // namespace
}  // namespace bgv::features
