// Speed of the analysis for a 3-minute song: decode + resample (audio::load_mono), then the mel
// spectrogram and chroma_cqt (with tuning estimation) as compute_features runs them, against
// librosa 0.10.2's 2.2 s for mel + chroma of 3 minutes measured on this project's 2-core machine;
// then the rhythm analysis (compute_rhythm and its steps) against librosa's same calls timed in
// the same run (bench/librosa_rhythm_time.py) when LIBROSA_ORACLE names a librosa 0.10.2 oracle
// (shared/fixtures/librosa/scripts/setup_librosa.sh) that /usr/bin/python3 can import.
//
// Usage: bench_features [audio file] [hop]. The file's decoded samples are looped to 3 minutes
// for the features; decoding is timed over as many loads of the file as make 3 minutes.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "audio/load.h"
#include "bench_rhythm.h"
#include "bench_timing.h"
#include "features/chroma.h"
#include "features/features.h"
#include "features/mel.h"
#include "features/power.h"
#include "features/stft.h"

using bgv::bench::time_it;
using bgv::bench::Timing;

namespace {

constexpr double kSongSeconds = 180;
constexpr double kLibrosaMelChromaSeconds = 2.2;  // librosa 0.10.2, 3 min, hop 512, 2 cores

}  // namespace

int main(int argc, char** argv) {
    const std::filesystem::path file =
        argc > 1 ? std::filesystem::path(argv[1])
                 : std::filesystem::path(BGV_SOURCE_DIR) / "tests/audio/data/race1-jt.ogg";
    const int hop = argc > 2 ? std::stoi(argv[2]) : 512;
    constexpr int kRate = 22050;
    using bgv::features::feature_threads;

    // Decode + resample: load the file until 3 minutes of audio have been produced.
    bgv::audio::Pcm pcm;
    Timing decode_time = time_it([&] { pcm = bgv::audio::load_mono(file, kRate); });
    const double file_seconds = static_cast<double>(pcm.samples.size()) / kRate;
    const int loads = static_cast<int>(std::ceil(kSongSeconds / file_seconds));
    const auto more_loads = time_it([&] {
        for (int i = 1; i < loads; ++i) {
            pcm = bgv::audio::load_mono(file, kRate);
        }
    });
    decode_time.wall += more_loads.wall;
    decode_time.cpu += more_loads.cpu;

    std::vector<float> song(static_cast<std::size_t>(kSongSeconds * kRate));
    for (std::size_t i = 0; i < song.size(); ++i) {
        song[i] = pcm.samples[i % pcm.samples.size()];
    }

    // Warm-up: FFTW plans are made once per process, as in the product.
    {
        const std::vector<float> second(song.begin(), song.begin() + kRate);
        (void)bgv::features::compute_features(second, kRate, hop);
    }
    const int threads = feature_threads();
    bgv::features::MelSpectrogram mel;
    bgv::features::Chromagram chroma;
    bgv::features::Features features;
    const auto mel_time =
        time_it([&] { mel = bgv::features::mel_spectrogram(song, kRate, hop, threads); });
    const auto chroma_time = time_it(
        [&] { chroma = bgv::features::chroma_cqt(song, kRate, hop, std::nullopt, threads); });
    const auto all_time =
        time_it([&] { features = bgv::features::compute_features(song, kRate, hop); });

    fmt::print("bench_features: {} ({:.1f} s) looped to {:.0f} s, hop {}, {} threads\n",
               file.filename().string(), file_seconds, kSongSeconds, hop, threads);
    fmt::print("  decode + resample ({} loads): {:.3f} s wall, {:.3f} s CPU\n", loads,
               decode_time.wall, decode_time.cpu);
    fmt::print("  mel spectrogram:              {:.3f} s wall, {:.3f} s CPU ({} frames)\n",
               mel_time.wall, mel_time.cpu, mel.frames);
    fmt::print("  chroma_cqt (own tuning STFT): {:.3f} s wall, {:.3f} s CPU (tuning {:.2f})\n",
               chroma_time.wall, chroma_time.cpu, chroma.tuning);
    fmt::print("  compute_features (mel + chroma, shared STFT at hop 512, summaries):\n");
    fmt::print("                                {:.3f} s wall, {:.3f} s CPU\n", all_time.wall,
               all_time.cpu);
    fmt::print(
        "  vs librosa's {:.1f} s: {:.1f}x by wall time, {:.1f}x by CPU / {} threads "
        "(target 5x)\n",
        kLibrosaMelChromaSeconds, kLibrosaMelChromaSeconds / all_time.wall,
        kLibrosaMelChromaSeconds / (all_time.cpu / threads), threads);
    const bool rhythm_ok = bgv::bench::bench_rhythm(song, hop);
    return features.frames > 0 && rhythm_ok ? 0 : 1;
}
