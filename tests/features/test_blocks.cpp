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
#include "features/frame_times.h"
#include "features/hpss.h"
#include "features/istft.h"
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

TEST(IstftStream, AnyCutOfTheFramesGivesTheWholeInverse) {
    const auto signal = music(2.0, 22050);
    for (const auto& [n_fft, hop] : {std::pair{2048, 512}, std::pair{384, 1}}) {
        SCOPED_TRACE(n_fft);
        const auto input = std::span<const float>(signal).first(hop == 1 ? 3000 : signal.size());
        const auto stft = stft_matrix(input, n_fft, hop, 2);
        const auto length = static_cast<std::int64_t>(input.size());
        const auto whole = istft(stft, length, 2);
        for (const std::int64_t chunk : {1, 7, 1000}) {
            IstftStream stream(n_fft, hop, length, 2);
            std::vector<float> out;
            for (std::int64_t first = 0; first < stft.frames; first += chunk) {
                const std::int64_t count = std::min(chunk, stft.frames - first);
                stream.add(
                    std::span(stft.values)
                        .subspan(
                            static_cast<std::size_t>(first) * static_cast<std::size_t>(stft.bins),
                            static_cast<std::size_t>(count) * static_cast<std::size_t>(stft.bins)),
                    out);
                // Never more than a frame's span of samples is waiting.
                EXPECT_GE(stream.handed_out(), (first + count) * hop - n_fft / 2);
            }
            stream.finish(out);
            EXPECT_EQ(out, whole) << "chunk " << chunk;
        }
    }
}

TEST(HpssStream, AnyCutOfTheFramesGivesTheWholeSeparation) {
    // 15 s: more frames than a separation block (512) plus its context, so the stream drops
    // frames behind it.
    const auto samples = music(15.0, 22050);
    const auto whole = hpss_signals(samples, 2);
    const auto stft = stft_matrix(samples, kHpssFftSize, kHpssHop, 2);
    for (const std::int64_t chunk : {37, 600}) {
        HpssStream stream(static_cast<std::int64_t>(samples.size()), 2);
        ASSERT_EQ(stream.frames(), stft.frames);
        HpssParts parts;
        for (std::int64_t first = 0; first < stft.frames; first += chunk) {
            const std::int64_t count = std::min(chunk, stft.frames - first);
            stream.add(std::span(stft.values)
                           .subspan(static_cast<std::size_t>(first * kHpssBins),
                                    static_cast<std::size_t>(count * kHpssBins)),
                       parts.harmonic, parts.percussive);
        }
        stream.finish(parts.harmonic, parts.percussive);
        EXPECT_EQ(parts.harmonic, whole.harmonic) << "chunk " << chunk;
        EXPECT_EQ(parts.percussive, whole.percussive) << "chunk " << chunk;
    }
}

TEST(AnalyseSong, BothPartsTogetherAreWhatEachGivesAlone) {
    // One STFT shared at hop 512; at 735 (30 fps) and 918 (24 fps, interpolated) the tuning and
    // the separation share a second one.
    const auto samples = music(6.0, 22050);
    for (const FrameRate rate : {FrameRate{22050, 512}, FrameRate{30, 1}, FrameRate{24, 1}}) {
        SCOPED_TRACE(rate.text());
        const auto both = analyse_song_at_rate(samples, 22050, rate, {true, true});
        const auto features = compute_features_at_rate(samples, 22050, rate);
        const auto timed = compute_rhythm_at_rate(samples, rate);
        EXPECT_EQ(both.features.frames, features.frames);
        EXPECT_EQ(both.features.mel, features.mel);
        EXPECT_EQ(both.features.chroma, features.chroma);
        EXPECT_EQ(both.features.spec_mean, features.spec_mean);
        EXPECT_EQ(both.features.grad_mean, features.grad_mean);
        EXPECT_EQ(both.features.tuning, features.tuning);
        const Rhythm& r = both.rhythm.rhythm;
        EXPECT_EQ(r.frames, timed.rhythm.frames);
        EXPECT_EQ(r.frames, features.frames);
        EXPECT_EQ(r.tempo, timed.rhythm.tempo);
        EXPECT_EQ(r.beats, timed.rhythm.beats);
        EXPECT_EQ(r.onsets, timed.rhythm.onsets);
        EXPECT_EQ(r.onset_env, timed.rhythm.onset_env);
        EXPECT_EQ(r.onset_env_percussive, timed.rhythm.onset_env_percussive);
        EXPECT_EQ(r.plp, timed.rhythm.plp);
        EXPECT_EQ(r.rms, timed.rhythm.rms);
        EXPECT_EQ(r.rms_h, timed.rhythm.rms_h);
        EXPECT_EQ(r.rms_p, timed.rhythm.rms_p);
        EXPECT_EQ(r.chroma_h, timed.rhythm.chroma_h);
        EXPECT_EQ(both.rhythm.beat_seconds, timed.beat_seconds);
        // The beat path's features alone hold no mel.
        const auto lean =
            analyse_song_at_rate(samples, 22050, rate, {true, false}, {.keep_mel = false});
        EXPECT_TRUE(lean.features.mel.empty());
        EXPECT_EQ(lean.features.spec_mean, features.spec_mean);
        EXPECT_EQ(lean.rhythm.rhythm.frames, 0);
    }
}

}  // namespace
}  // namespace bgv::features
