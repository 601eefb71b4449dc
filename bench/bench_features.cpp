// Speed of the analysis for a 3-minute song: decode + resample (audio::load_mono), then the mel
// spectrogram and chroma_cqt (with tuning estimation) as compute_features runs them, against
// librosa 0.10.2's 2.2 s for mel + chroma of 3 minutes measured on this project's 2-core machine.
//
// Usage: bench_features [audio file] [hop]. The file's decoded samples are looped to 3 minutes
// for the features; decoding is timed over as many loads of the file as make 3 minutes.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>

#include "audio/load.h"
#include "features/chroma.h"
#include "features/features.h"
#include "features/mel.h"
#include "features/power.h"
#include "features/stft.h"

namespace {

constexpr double kSongSeconds = 180;
constexpr double kLibrosaMelChromaSeconds = 2.2;  // librosa 0.10.2, 3 min, hop 512, 2 cores

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    const std::filesystem::path file =
        argc > 1 ? std::filesystem::path(argv[1])
                 : std::filesystem::path(BGV_SOURCE_DIR) / "tests/audio/data/stereo_sweep_noise_44k.flac";
    const int hop = argc > 2 ? std::stoi(argv[2]) : 512;
    constexpr int kRate = 22050;
    using bgv::features::feature_threads;

    // Decode + resample: load the file until 3 minutes of audio have been produced.
    auto start = std::chrono::steady_clock::now();
    auto pcm = bgv::audio::load_mono(file, kRate);
    const double one_load = seconds_since(start);
    const double file_seconds = static_cast<double>(pcm.samples.size()) / kRate;
    const int loads = static_cast<int>(std::ceil(kSongSeconds / file_seconds));
    start = std::chrono::steady_clock::now();
    for (int i = 1; i < loads; ++i) {
        pcm = bgv::audio::load_mono(file, kRate);
    }
    const double decode_seconds = one_load + seconds_since(start);

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
    start = std::chrono::steady_clock::now();
    const auto mel = bgv::features::mel_spectrogram(song, kRate, hop, threads);
    const double mel_seconds = seconds_since(start);
    start = std::chrono::steady_clock::now();
    const auto chroma = bgv::features::chroma_cqt(song, kRate, hop, std::nullopt, threads);
    const double chroma_seconds = seconds_since(start);
    start = std::chrono::steady_clock::now();
    const auto features = bgv::features::compute_features(song, kRate, hop);
    const double all_seconds = seconds_since(start);

    fmt::print("bench_features: {} ({:.1f} s) looped to {:.0f} s, hop {}, {} threads\n",
               file.filename().string(), file_seconds, kSongSeconds, hop, threads);
    fmt::print("  decode + resample ({} loads): {:.3f} s\n", loads, decode_seconds);
    fmt::print("  mel spectrogram:              {:.3f} s ({} frames)\n", mel_seconds, mel.frames);
    fmt::print("  chroma_cqt (with tuning):     {:.3f} s ({} frames, tuning {:.2f})\n",
               chroma_seconds, chroma.frames, chroma.tuning);
    fmt::print("  mel + chroma:                 {:.3f} s, {:.1f}x librosa's {:.1f} s (target 5x)\n",
               mel_seconds + chroma_seconds, kLibrosaMelChromaSeconds / (mel_seconds + chroma_seconds),
               kLibrosaMelChromaSeconds);
    fmt::print("  compute_features (all):       {:.3f} s, {:.1f}x librosa\n", all_seconds,
               kLibrosaMelChromaSeconds / all_seconds);
    return features.frames > 0 ? 0 : 1;
}
