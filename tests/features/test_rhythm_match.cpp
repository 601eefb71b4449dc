// compute_rhythm and its pieces against librosa 0.10.2's outputs (data/rhythm, the calls named in
// its manifest) for every fixture file at hop 512 and hop 735: the decisions (tempo, beats,
// onsets) identical, the curves within a relative L2 error of 1e-4 for lossless files and 1e-3
// for ogg ones, whose decoders differ (FFmpeg's libvorbis here, libsndfile's for librosa).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "audio/load.h"
#include "features/beat.h"
#include "features/hpss.h"
#include "features/onset.h"
#include "features/plp.h"
#include "features/rhythm.h"
#include "features/stft.h"
#include "reference.h"

namespace bgv::features {
namespace {

using testing::all_finite;
using testing::relative_error;
using testing::rhythm_reference;

constexpr double kLossless = 1e-4;
constexpr double kLossy = 1e-3;

struct Case {
    std::string file;
    int hop = 512;
    double bound = kLossless;  // relative L2 error of every curve
};

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    return testing::case_label(info.param.file, info.param.hop);
}

nlohmann::json expected_for(const Case& c) {
    return testing::rhythm_manifest()["files"][c.file]["hops"][std::to_string(c.hop)];
}

std::vector<std::int64_t> frame_list(const nlohmann::json& values) {
    return values.get<std::vector<std::int64_t>>();
}

NpyArray<float> array_for(const nlohmann::json& expected, const std::string& name) {
    return rhythm_reference(expected["arrays"][name].get<std::string>());
}

void expect_close(const std::string& what, std::span<const float> ours, const NpyArray<float>& ref,
                  double bound) {
    ASSERT_EQ(static_cast<std::int64_t>(ours.size()), ref.size()) << what;
    EXPECT_TRUE(all_finite(ours)) << what;
    const double error = relative_error(ours, ref.data);
    fmt::print("  {}: relative L2 error {:.3g}\n", what, error);
    EXPECT_LE(error, bound) << what;
}

class RhythmMatch : public ::testing::TestWithParam<Case> {};

TEST_P(RhythmMatch, ComputeRhythmOfTheDecodedFile) {
    const auto& param = GetParam();
    const auto pcm = audio::load_mono(testing::audio_dir() / param.file, kSampleRate);
    const auto entry = testing::rhythm_manifest()["files"][param.file];
    ASSERT_EQ(static_cast<std::int64_t>(pcm.samples.size()),
              entry["samples_at_22050"].get<std::int64_t>());
    const auto expected = expected_for(param);

    const Rhythm rhythm = compute_rhythm(pcm.samples, param.hop);
    fmt::print("{} hop {}: tempo {} (librosa {}), {} beats, {} onsets\n", param.file, param.hop,
               rhythm.tempo, expected["tempo"].get<double>(), rhythm.beats.size(),
               rhythm.onsets.size());
    ASSERT_EQ(rhythm.frames, expected["frames"].get<std::int64_t>());
    EXPECT_EQ(rhythm.hop, param.hop);
    EXPECT_DOUBLE_EQ(rhythm.tempo, expected["tempo"].get<double>());
    EXPECT_EQ(rhythm.beats, frame_list(expected["beats"]));
    EXPECT_EQ(rhythm.onsets, frame_list(expected["onsets"]));
    const std::vector<std::pair<std::string, const std::vector<float>*>> curves = {
        {"onset_env", &rhythm.onset_env},
        {"onset_env_percussive", &rhythm.onset_env_percussive},
        {"plp", &rhythm.plp},
        {"rms", &rhythm.rms},
        {"rms_h", &rhythm.rms_h},
        {"rms_p", &rhythm.rms_p},
        {"chroma_h", &rhythm.chroma_h}};
    for (const auto& [name, values] : curves) {
        expect_close(name, *values, array_for(expected, name), param.bound);
    }
}

// The decisions from librosa's own onset envelope: the same input, so the same tempo, beats and
// onsets, and the same pulse up to float rounding, whatever the decoder.
TEST_P(RhythmMatch, DecisionsFromLibrosasEnvelope) {
    const auto& param = GetParam();
    const auto expected = expected_for(param);
    const auto envelope = array_for(expected, "onset_env");
    const auto beats = beat_track(envelope.data, kSampleRate, param.hop);
    EXPECT_DOUBLE_EQ(beats.tempo, expected["tempo"].get<double>());
    EXPECT_EQ(beats.beats, frame_list(expected["beats"]));
    EXPECT_EQ(onset_detect(envelope.data, kSampleRate, param.hop), frame_list(expected["onsets"]));
    expect_close("plp of librosa's envelope",
                 plp(envelope.data, kSampleRate, param.hop, feature_threads()),
                 array_for(expected, "plp"), kLossless);
}

INSTANTIATE_TEST_SUITE_P(Lossless, RhythmMatch,
                         ::testing::Values(Case{"chords_120bpm.wav", 512, kLossless},
                                           Case{"chords_120bpm.wav", 735, kLossless},
                                           Case{"short_0p3s.wav", 512, kLossless},
                                           Case{"short_0p3s.wav", 735, kLossless},
                                           Case{"all_silence_2s.wav", 512, kLossless},
                                           Case{"all_silence_2s.wav", 735, kLossless}),
                         case_name);

INSTANTIATE_TEST_SUITE_P(Ogg, RhythmMatch,
                         ::testing::Values(Case{"trumpet.ogg", 512, kLossy},
                                           Case{"trumpet.ogg", 735, kLossy},
                                           Case{"brahms_hungarian_dance_5.ogg", 512, kLossy},
                                           Case{"brahms_hungarian_dance_5.ogg", 735, kLossy},
                                           Case{"race1-jt.ogg", 512, kLossy},
                                           Case{"race1-jt.ogg", 735, kLossy}),
                         case_name);

// effects.hpss's separated signals (kept for the short lossless files).
TEST(HpssMatch, SignalsOfTheChordsAndTheShortClip) {
    for (const std::string stem : {"chords_120bpm", "short_0p3s"}) {
        const auto pcm = audio::load_mono(testing::audio_dir() / (stem + ".wav"), kSampleRate);
        const auto parts = hpss_signals(pcm.samples, feature_threads());
        fmt::print("{}:\n", stem);
        expect_close("harmonic", parts.harmonic, rhythm_reference(stem + "__wav__y_harmonic.npy"),
                     kLossless);
        expect_close("percussive", parts.percussive,
                     rhythm_reference(stem + "__wav__y_percussive.npy"), kLossless);
    }
}

TEST(HpssMatch, SilenceSeparatesIntoSilence) {
    const auto pcm = audio::load_mono(testing::audio_dir() / "all_silence_2s.wav", kSampleRate);
    const auto parts = hpss_signals(pcm.samples, feature_threads());
    ASSERT_EQ(parts.harmonic.size(), pcm.samples.size());
    ASSERT_EQ(parts.percussive.size(), pcm.samples.size());
    for (std::size_t i = 0; i < pcm.samples.size(); ++i) {
        ASSERT_EQ(parts.harmonic[i], 0.0F);
        ASSERT_EQ(parts.percussive[i], 0.0F);
    }
}

// decompose.hpss on |stft| at each hop; the 0.3 s clip has fewer frames (13, 10) than the
// 31-frame kernel, so the reflected edges repeat.
TEST(HpssMatch, MagnitudesOfTheShortClip) {
    const auto pcm = audio::load_mono(testing::audio_dir() / "short_0p3s.wav", kSampleRate);
    for (const int hop : {512, 735}) {
        const auto stft = stft_matrix(pcm.samples, kHpssFftSize, hop, 1);
        std::vector<float> magnitude(stft.values.size());
        for (std::size_t i = 0; i < magnitude.size(); ++i) {
            magnitude[i] = magnitude_of({stft.values[i].real(), stft.values[i].imag()});
        }
        const auto parts = hpss_magnitudes(magnitude, stft.frames, stft.bins, feature_threads());
        // librosa's arrays are (bins, frames).
        const auto transposed = [&](const std::vector<float>& by_frame) {
            std::vector<float> by_bin(by_frame.size());
            for (std::int64_t t = 0; t < stft.frames; ++t) {
                for (int k = 0; k < stft.bins; ++k) {
                    by_bin[static_cast<std::size_t>(k * stft.frames + t)] =
                        by_frame[static_cast<std::size_t>(t * stft.bins + k)];
                }
            }
            return by_bin;
        };
        const std::string stem = fmt::format("short_0p3s__wav__hop{}__", hop);
        fmt::print("hop {}:\n", hop);
        expect_close("H", transposed(parts.harmonic), rhythm_reference(stem + "hpss_H.npy"),
                     kLossless);
        expect_close("P", transposed(parts.percussive), rhythm_reference(stem + "hpss_P.npy"),
                     kLossless);
    }
}

}  // namespace
}  // namespace bgv::features
