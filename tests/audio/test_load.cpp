#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "audio/decode.h"
#include "audio/load.h"
#include "core/error.h"
#include "core/file.h"
#include "wav_writer.h"

namespace bgv::audio {
namespace {

const std::filesystem::path kData = std::filesystem::path(BGV_TEST_DATA) / "audio" / "data";

std::filesystem::path temp_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() /
               ("bgv_test_audio_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir;
}

TEST(LoadMono, EveryFixtureHasLibrosasLengthAt22050) {
    const auto manifest = nlohmann::json::parse(read_file_text(kData / "librosa_manifest.json"));
    int checked = 0;
    for (const auto& [name, entry] : manifest.at("files").items()) {
        SCOPED_TRACE(name);
        const NativeAudio native = decode_native(kData / name);
        EXPECT_EQ(native.damaged_packets, 0);
        const Pcm pcm = load_mono(kData / name);
        EXPECT_EQ(pcm.sample_rate, 22050);
        EXPECT_EQ(static_cast<std::int64_t>(pcm.samples.size()),
                  entry.at("samples_at_22050").get<std::int64_t>());
        EXPECT_TRUE(std::all_of(pcm.samples.begin(), pcm.samples.end(),
                                [](float x) { return std::isfinite(x) && std::abs(x) <= 1.5f; }));
        ++checked;
    }
    EXPECT_EQ(checked, 9);
}

TEST(LoadMono, SilenceStaysExactlyZero) {
    const Pcm pcm = load_mono(kData / "all_silence_2s.wav");
    ASSERT_EQ(pcm.samples.size(), 44100u);
    EXPECT_TRUE(
        std::all_of(pcm.samples.begin(), pcm.samples.end(), [](float x) { return x == 0; }));
}

TEST(LoadMono, ShortClipLoads) {
    EXPECT_EQ(load_mono(kData / "short_0p3s.wav").samples.size(), 6615u);
}

TEST(LoadMono, Float48kWavResamplesSilenceThenTone) {
    const NativeAudio native = decode_native(kData / "silence_then_a440_48k.wav");
    EXPECT_EQ(native.sample_rate, 48000);
    EXPECT_FALSE(native.quantised_to_16_bits);
    ASSERT_EQ(native.mono.size(), 240000u);
    const Pcm pcm = load_mono(kData / "silence_then_a440_48k.wav");
    ASSERT_EQ(pcm.samples.size(), 110250u);  // ceil(240000 * 22050 / 48000)
    // The first 2.9 s are silent in the source; the HQ filter (well under 0.1 s long) keeps them
    // at zero up to float rounding.
    float early = 0, late = 0;
    for (std::size_t i = 0; i < 63945; ++i)  // 2.9 s
        early = std::max(early, std::abs(pcm.samples[i]));
    for (std::size_t i = 70000; i < 110000; ++i)
        late = std::max(late, std::abs(pcm.samples[i]));
    EXPECT_LT(early, 1e-6f);
    // Same peak before and after resampling: 440 Hz is deep in the passband (ripple < 0.01 dB).
    float native_late = 0;
    for (std::size_t i = 160000; i < 239000; ++i)
        native_late = std::max(native_late, std::abs(native.mono[i]));
    EXPECT_NEAR(late, native_late, 2e-3 * native_late);
}

TEST(LoadMono, StereoIsTheMeanOfTheChannelsInFloat32) {
    const auto dir = temp_dir("stereo");
    std::vector<std::int16_t> interleaved;
    for (int i = 0; i < 3000; ++i) {
        interleaved.push_back(static_cast<std::int16_t>((i * 37) % 65536 - 32768));
        interleaved.push_back(static_cast<std::int16_t>(-((i * 101) % 30000)));
        interleaved.push_back(static_cast<std::int16_t>(i % 7 == 0 ? 32767 : -5));
    }
    // Three channels at 22050 Hz: no resampling, so the mono mix itself is visible.
    test::write_wav16(dir / "three.wav", 22050, 3, interleaved);
    const Pcm pcm = load_mono(dir / "three.wav");
    ASSERT_EQ(pcm.samples.size(), 3000u);
    for (std::size_t i = 0; i < 3000; ++i) {
        float sum = static_cast<float>(interleaved[3 * i]) / 32768.0f;
        sum += static_cast<float>(interleaved[3 * i + 1]) / 32768.0f;
        sum += static_cast<float>(interleaved[3 * i + 2]) / 32768.0f;
        ASSERT_EQ(pcm.samples[i], sum / 3.0f) << i;  // exact: same float32 operations as numpy
    }
    std::filesystem::remove_all(dir);
}

TEST(LoadMono, StereoFlacIsMixedBeforeResampling) {
    const NativeAudio native = decode_native(kData / "stereo_sweep_noise_44k.flac");
    EXPECT_EQ(native.channels, 2);
    EXPECT_EQ(native.sample_rate, 44100);
    EXPECT_EQ(native.mono.size(), 264600u);
    // 24-bit samples scaled by 2^-31 after ffmpeg's left shift: every mixed value is a multiple
    // of 2^-24 (the mean of two multiples of 2^-23), which a float32 holds exactly.
    for (std::size_t i = 0; i < native.mono.size(); i += 97) {
        const double scaled = static_cast<double>(native.mono[i]) * 16777216.0;
        ASSERT_EQ(scaled, std::round(scaled)) << i;
    }
}

TEST(DecodeNative, KeepsEveryChannelForTheSoundtrackWhenAsked) {
    const auto path = kData / "stereo_sweep_noise_44k.flac";
    const NativeAudio mixed = decode_native(path);
    EXPECT_TRUE(mixed.interleaved.empty());  // not asked: no second copy in memory
    const NativeAudio both = decode_native(path, 1.5, true);
    ASSERT_EQ(both.channels, 2);
    ASSERT_EQ(both.mono.size(), 66150u);  // 1.5 s at 44.1 kHz, cut as librosa cuts
    ASSERT_EQ(both.interleaved.size(), 2 * both.mono.size());
    // The mono mix is the float32 mean of the two kept channels, exactly; the channels differ.
    double difference = 0;
    for (std::size_t i = 0; i < both.mono.size(); ++i) {
        const float left = both.interleaved[2 * i], right = both.interleaved[2 * i + 1];
        ASSERT_EQ(both.mono[i], (left + right) / 2.0f) << i;
        ASSERT_EQ(both.mono[i], mixed.mono[i]) << i;
        difference += std::abs(left - right);
    }
    EXPECT_GT(difference / static_cast<double>(both.mono.size()), 1e-3);
}

TEST(LoadMono, DurationCutsAtTheNativeRate) {
    // soundfile path: int(1.3 * 44100) = 57330 native frames -> ceil(57330 / 2) = 28665.
    const Pcm flac = load_mono(kData / "stereo_sweep_noise_44k.flac", 22050, 1.3);
    EXPECT_EQ(flac.samples.size(), 28665u);
    // int(0.77 * 48000) = 36960 -> ceil(36960 * 22050 / 48000) = ceil(16978.5) = 16979.
    const Pcm wav = load_mono(kData / "silence_then_a440_48k.wav", 22050, 0.77);
    EXPECT_EQ(wav.samples.size(), 16979u);
    // At 22050 Hz no resampling: exactly the first int(0.3 * 22050) = 6615 samples.
    const Pcm full = load_mono(kData / "chords_120bpm.wav");
    const Pcm cut = load_mono(kData / "chords_120bpm.wav", 22050, 0.3);
    ASSERT_EQ(cut.samples.size(), 6615u);
    EXPECT_TRUE(std::equal(cut.samples.begin(), cut.samples.end(), full.samples.begin()));
    // A cut longer than the file keeps the whole file, as librosa does.
    EXPECT_EQ(load_mono(kData / "short_0p3s.wav", 22050, 60.0).samples.size(), 6615u);
    // Far from the cut, the resampled samples equal those of the whole file (the filter does
    // not reach that far); 1e-6 allows for nothing but float rounding.
    const Pcm flac_full = load_mono(kData / "stereo_sweep_noise_44k.flac");
    for (std::size_t i = 0; i < 20000; ++i)
        ASSERT_NEAR(flac.samples[i], flac_full.samples[i], 1e-6f) << i;
}

TEST(LoadMono, FramesForDurationRoundsAsLibrosasReaders) {
    EXPECT_EQ(frames_for_duration(0.7, 5, false), 3);  // int(3.5)
    EXPECT_EQ(frames_for_duration(0.7, 5, true), 4);   // np.round(3.5): half to even
    EXPECT_EQ(frames_for_duration(0.5, 5, true), 2);   // np.round(2.5) = 2
    EXPECT_EQ(frames_for_duration(1.3, 44100, false), 57330);
}

TEST(LoadMono, M4aGoesThroughTheSixteenBitPipeLikeAudioread) {
    const NativeAudio native = decode_native(kData / "chords_120bpm.m4a");
    EXPECT_TRUE(native.quantised_to_16_bits);
    for (const float x : native.mono) {
        const float scaled = x * 32768.0f;
        ASSERT_EQ(scaled, std::round(scaled));
    }
    const NativeAudio mp3 = decode_native(kData / "chords_120bpm.mp3");
    EXPECT_FALSE(mp3.quantised_to_16_bits);  // libsndfile reads mp3 in librosa 0.10
}

double correlation(const std::vector<float>& a, const std::vector<float>& b) {
    double dot = 0, a2 = 0, b2 = 0;
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        dot += double(a[i]) * b[i];
        a2 += double(a[i]) * a[i];
        b2 += double(b[i]) * b[i];
    }
    return dot / std::sqrt(a2 * b2);
}

TEST(LoadMono, LossyDecodesAgreeWithTheLosslessOriginal) {
    // The mp3 and m4a are encodings of the wav; gapless trimming must line them up with it
    // (an offset of even one encoder frame would drop the correlation far below 0.9). Their
    // lengths are librosa's (tests/features/data/librosa/manifest.json): the mp3's is the wav's,
    // the m4a, read through audioread as librosa did, is 752 samples longer.
    const Pcm wav = load_mono(kData / "chords_120bpm.wav");
    ASSERT_EQ(wav.samples.size(), 176400u);
    for (const auto& [name, length] :
         {std::pair<const char*, std::size_t>{"chords_120bpm.mp3", 176400},
          {"chords_120bpm.m4a", 177152}}) {
        SCOPED_TRACE(name);
        const Pcm lossy = load_mono(kData / name);
        ASSERT_EQ(lossy.samples.size(), length);
        EXPECT_GT(correlation(wav.samples, lossy.samples), 0.9);
    }
}

TEST(LoadMono, OpusAndTheSoundOfAVideo) {
    const Pcm wav = load_mono(kData / "short_0p3s.wav");
    // Opus always decodes at 48 kHz: 0.3 s is 14400 samples, resampled to ceil(14400 * 22050 /
    // 48000) = 6615.
    const NativeAudio opus_native = decode_native(kData / "short_0p3s.opus");
    EXPECT_EQ(opus_native.sample_rate, 48000);
    EXPECT_EQ(opus_native.mono.size(), 14400u);
    EXPECT_FALSE(opus_native.quantised_to_16_bits);  // libsndfile reads Ogg Opus
    const Pcm opus = load_mono(kData / "short_0p3s.opus");
    EXPECT_EQ(opus.samples.size(), 6615u);
    // Lossy at 32 kbit/s, but aligned: a shift of even a millisecond would fall below 0.9.
    EXPECT_GT(correlation(wav.samples, opus.samples), 0.9);

    const NativeAudio video = decode_native(kData / "short_0p3s_video.mp4");
    EXPECT_TRUE(video.quantised_to_16_bits);  // audioread's path, as for m4a
    const Pcm video_sound = load_mono(kData / "short_0p3s_video.mp4");
    // AAC comes in blocks of 1024 samples: 0.3 s, rounded up to whole blocks at most.
    EXPECT_GE(video_sound.samples.size(), 6615u);
    EXPECT_LE(video_sound.samples.size(), 6615u + 1024u);
    EXPECT_GT(correlation(wav.samples, video_sound.samples), 0.9);
}

TEST(LoadMono, StartCutsTheSectionAtTheNativeRate) {
    // --start 1.1 -d 0.5 on a 22050 Hz file: samples [int(1.1·22050), +int(0.5·22050)) exactly.
    const Pcm full = load_mono(kData / "chords_120bpm.wav");
    const Pcm section = load_mono(kData / "chords_120bpm.wav", 22050, 0.5, 1.1);
    ASSERT_EQ(section.samples.size(), 11025u);
    EXPECT_TRUE(
        std::equal(section.samples.begin(), section.samples.end(), full.samples.begin() + 24255));
    // Without -d the section runs to the end; the soundtrack's channels are cut alike.
    const Pcm tail = load_mono(kData / "chords_120bpm.wav", 22050, std::nullopt, 7.5);
    EXPECT_EQ(tail.samples.size(), full.samples.size() - 165375);
    const auto path = kData / "stereo_sweep_noise_44k.flac";
    const NativeAudio whole = decode_native(path, std::nullopt, true);
    const NativeAudio cut = decode_native(path, 0.25, true, 2.0);
    ASSERT_EQ(cut.mono.size(), 11025u);
    ASSERT_EQ(cut.interleaved.size(), 2 * cut.mono.size());
    EXPECT_TRUE(std::equal(cut.interleaved.begin(), cut.interleaved.end(),
                           whole.interleaved.begin() + 2 * 88200));
    // int(1.4 * 22050) = 30869, yet --start 1 -d 0.4 keeps int(0.4 * 22050) = 8820 samples.
    const Pcm exact = load_mono(kData / "chords_120bpm.wav", 22050, 0.4, 1.0);
    ASSERT_EQ(exact.samples.size(), 8820u);
    EXPECT_TRUE(
        std::equal(exact.samples.begin(), exact.samples.end(), full.samples.begin() + 22050));
    // A start past the end says so.
    EXPECT_THROW(load_mono(kData / "chords_120bpm.wav", 22050, 1.0, 3600.0), bgv::Error);
}

}  // namespace
}  // namespace bgv::audio
