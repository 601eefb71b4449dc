#include "features/analysis.h"

#include <algorithm>
#include <complex>
#include <functional>
#include <optional>
#include <vector>

#include "core/assert.h"
#include "core/error.h"
#include "features/arriving_signal.h"
#include "features/beat.h"
#include "features/chroma.h"
#include "features/hpss.h"
#include "features/mel.h"
#include "features/onset.h"
#include "features/plp.h"
#include "features/power.h"
#include "features/rms.h"
#include "features/stft.h"
#include "features/tuning.h"

namespace bgv::features {

namespace {

// Every STFT here is librosa's default: 2048 samples, periodic Hann, centred.
constexpr int kFftSize = kMelFftSize;
static_assert(kTuningFftSize == kFftSize && kHpssFftSize == kFftSize);

// Per-thread scratch for turning a spectrum into mel bands.
class MelScratch {
  public:
    explicit MelScratch(int threads)
        : power_(static_cast<std::size_t>(threads), std::vector<double>(kFftSize / 2 + 1)),
          bands_(static_cast<std::size_t>(threads), std::vector<float>(kMelBands)) {}

    std::span<const float> bands(int worker, std::span<const MelBand> bank,
                                 std::span<const std::complex<double>> spectrum) {
        auto& bands = bands_[static_cast<std::size_t>(worker)];
        mel_frame(bank, spectrum, power_[static_cast<std::size_t>(worker)], bands);
        return bands;
    }

  private:
    std::vector<std::vector<double>> power_;
    std::vector<std::vector<float>> bands_;
};

using BlockVisitor = std::function<void(std::span<const std::complex<float>>)>;

// One pass over the STFT of `signal` at `hop`, kHpssBlockFrames frames at a time: each frame to
// `visit` (from any worker), and, when `blocks` is given, each block as complex64 values (what
// librosa's stft keeps) once all its frames are done.
void stft_pass(std::span<const float> signal, int hop, const SpectrumVisitor& visit,
               const BlockVisitor& blocks, int threads) {
    const auto length = static_cast<std::int64_t>(signal.size());
    const std::int64_t frames = stft_frame_count(length, hop);
    const auto window = periodic_hann(kFftSize);
    constexpr int kBins = kFftSize / 2 + 1;
    std::vector<std::complex<float>> block;
    for (std::int64_t first = 0; first < frames; first += kHpssBlockFrames) {
        const std::int64_t last = std::min(frames, first + kHpssBlockFrames);
        if (blocks) {
            block.resize(static_cast<std::size_t>((last - first) * kBins));
        }
        for_each_stft_frame(
            SignalWindow{signal, 0, length}, kFftSize, hop, window,
            [&](int worker, std::int64_t frame, std::span<const std::complex<double>> spectrum) {
                visit(worker, frame, spectrum);
                if (blocks) {
                    auto* out = block.data() + (frame - first) * kBins;
                    for (int k = 0; k < kBins; ++k) {
                        const auto z = spectrum[static_cast<std::size_t>(k)];
                        out[k] = {static_cast<float>(z.real()), static_cast<float>(z.imag())};
                    }
                }
            },
            threads, first, last);
        if (blocks) {
            blocks(block);
        }
    }
}

// The features' share of the STFT at their hop: the mel spectrogram (kept when asked), its
// mean per frame, and the tuning estimate's peaks when its STFT is this one.
struct MelPart {
    MelPart(std::int64_t frame_count, int sample_rate, bool keep_mel)
        : frames(frame_count),
          bank(mel_filter_bank(sample_rate, kMelFftSize, kMelBands, 0.0, kMelFmax)),
          means(static_cast<std::size_t>(frame_count), 0.0) {
        if (keep_mel) {
            mel.assign(static_cast<std::size_t>(kMelBands * frame_count), 0.0F);
        }
    }

    void add(std::span<const float> bands, std::int64_t frame) {
        if (!mel.empty()) {
            for (int band = 0; band < kMelBands; ++band) {
                mel[static_cast<std::size_t>(band * frames + frame)] =
                    bands[static_cast<std::size_t>(band)];
            }
        }
        means[static_cast<std::size_t>(frame)] = band_mean(bands);
    }

    std::int64_t frames;
    std::vector<MelBand> bank;
    std::vector<float> mel;     // 128 × frames when kept
    std::vector<double> means;  // per frame
};

// The rhythm's streams: the separation of y's STFT at 512 into its parts, the percussive part's
// onset envelope and RMS made as it arrives, the harmonic part kept for its chroma.
class RhythmPart {
  public:
    RhythmPart(std::int64_t length, int hop, int threads)
        : hop_(hop),
          threads_(threads),
          frames_(stft_frame_count(length, hop)),
          onset_bank_(mel_filter_bank(kSampleRate, kMelFftSize, kMelBands, 0.0, 0.5 * kSampleRate)),
          song_onsets_(std::in_place, frames_, hop),
          percussive_onsets_(std::in_place, frames_, hop),
          hpss_(length, threads),
          percussive_(length),
          rms_percussive_(static_cast<std::size_t>(frames_)),
          scratch_(threads),
          window_(periodic_hann(kFftSize)) {
        harmonic_.reserve(static_cast<std::size_t>(length));
    }

    // A frame of the song's STFT at the rhythm's hop.
    void add_song_frame(int worker, std::int64_t frame,
                        std::span<const std::complex<double>> spectrum) {
        song_onsets_->add_frame(frame, scratch_.bands(worker, onset_bank_, spectrum));
    }

    // A block of the song's STFT at 512, for the separation.
    void separate(std::span<const std::complex<float>> block) {
        arrived_.clear();
        hpss_.add(block, harmonic_, arrived_);
        take_percussive();
    }

    void finish(Rhythm& rhythm) {
        arrived_.clear();
        hpss_.finish(harmonic_, arrived_);
        take_percussive();
        BGV_ASSERT(percussive_frames_ == frames_, "{} of {} percussive frames", percussive_frames_,
                   frames_);
        // Their spectrograms in dB go before the harmonic part's chroma is made.
        rhythm.onset_env = song_onsets_->envelope();
        song_onsets_.reset();
        rhythm.onset_env_percussive = percussive_onsets_->envelope();
        percussive_onsets_.reset();
        rhythm.rms_p = std::move(rms_percussive_);
        rhythm.rms_h = rms(harmonic_, hop_);
    }

    std::span<const float> harmonic() const { return harmonic_; }

  private:
    // The percussive part's frames whose samples have all arrived: their mel bands (for the
    // onset envelope) and RMS.
    void take_percussive() {
        percussive_.append(arrived_);
        const std::int64_t ready = percussive_.frames_ready(kFftSize, hop_);
        const SignalWindow signal = percussive_.window();
        for_each_stft_frame(
            signal, kFftSize, hop_, window_,
            [&](int worker, std::int64_t frame, std::span<const std::complex<double>> spectrum) {
                percussive_onsets_->add_frame(frame, scratch_.bands(worker, onset_bank_, spectrum));
            },
            threads_, percussive_frames_, ready);
        rms_frames(signal, hop_, percussive_frames_, ready,
                   std::span<float>(rms_percussive_)
                       .subspan(static_cast<std::size_t>(percussive_frames_)));
        percussive_frames_ = ready;
        percussive_.release(ready * hop_ - kFftSize / 2);
    }

    int hop_;
    int threads_;
    std::int64_t frames_;
    std::vector<MelBand> onset_bank_;
    std::optional<OnsetEnvelope> song_onsets_;
    std::optional<OnsetEnvelope> percussive_onsets_;
    HpssStream hpss_;
    std::vector<float> harmonic_;
    ArrivingSignal percussive_;
    std::vector<float> arrived_;
    std::vector<float> rms_percussive_;
    std::int64_t percussive_frames_ = 0;
    MelScratch scratch_;
    std::vector<double> window_;
};

// Keeps the first `frames` columns of a rows × columns matrix, in place.
void keep_columns(std::vector<float>& matrix, int rows, std::int64_t columns, std::int64_t frames) {
    if (frames == columns || matrix.empty()) {
        return;
    }
    for (int row = 1; row < rows; ++row) {
        std::copy_n(matrix.begin() + row * columns, frames, matrix.begin() + row * frames);
    }
    matrix.resize(static_cast<std::size_t>(rows * frames));
}

Features finish_features(std::span<const float> samples, int sample_rate, int hop, MelPart& mel,
                         std::optional<double> tuning, const FeatureOptions& options, int threads) {
    Features features;
    features.sample_rate = sample_rate;
    features.hop = hop;
    auto chroma = chroma_cqt(samples, sample_rate, hop, tuning, threads, options.block_frames);
    // librosa's CQT keeps the frames every octave has; with a hop that divides by 2^6 that is
    // the mel spectrogram's count, otherwise cut both to the shorter.
    features.frames = std::min(mel.frames, chroma.frames);
    keep_columns(mel.mel, kMelBands, mel.frames, features.frames);
    features.mel = std::move(mel.mel);
    keep_columns(chroma.chroma, kPitchClasses, chroma.frames, features.frames);
    chroma.frames = features.frames;
    features.chromasort = chroma_order(chroma);
    features.tuning = chroma.tuning;
    features.chroma = std::move(chroma.chroma);
    mel.means.resize(static_cast<std::size_t>(features.frames));
    auto power = power_and_gradient_of_means(mel.means);
    features.spec_mean = std::move(power.spec_mean);
    features.grad_mean = std::move(power.grad_mean);
    return features;
}

void finish_rhythm(std::span<const float> samples, int hop, RhythmPart& part, Rhythm& rhythm,
                   const FeatureOptions& options, int threads) {
    part.finish(rhythm);
    auto beats = beat_track(rhythm.onset_env, kSampleRate, hop);
    rhythm.tempo = beats.tempo;
    rhythm.beats = std::move(beats.beats);
    rhythm.onsets = onset_detect(rhythm.onset_env, kSampleRate, hop);
    rhythm.plp = plp(rhythm.onset_env, kSampleRate, hop, threads);
    rhythm.rms = rms(samples, hop);
    // The constant-Q transform keeps at least the STFT's frames (more when early downsampling
    // rounds the octaves' lengths up); the extra ones are cut as compute_features cuts them.
    auto chroma =
        chroma_cqt(part.harmonic(), kSampleRate, hop, std::nullopt, threads, options.block_frames);
    BGV_ASSERT(chroma.frames >= rhythm.frames, "chroma has {} frames, fewer than {}", chroma.frames,
               rhythm.frames);
    keep_columns(chroma.chroma, kPitchClasses, chroma.frames, rhythm.frames);
    rhythm.chroma_h = std::move(chroma.chroma);
}

}  // namespace

SongAnalysis analyse_song(std::span<const float> samples, int sample_rate, int hop,
                          const AnalysisParts& parts, const FeatureOptions& options) {
    if (hop < 1) {
        fail("hop must be at least 1 sample, not {}", hop);
    }
    if (samples.empty()) {
        fail("no audio samples to analyse");
    }
    if (parts.rhythm && sample_rate != kSampleRate) {
        fail("the rhythm analysis needs audio at {} Hz, not {} Hz", kSampleRate, sample_rate);
    }
    if (options.block_frames < 1) {
        fail("analysis blocks must hold at least 1 frame, not {}", options.block_frames);
    }
    const int threads = feature_threads();
    const auto length = static_cast<std::int64_t>(samples.size());
    const std::int64_t frames = stft_frame_count(length, hop);
    SongAnalysis song;

    std::optional<MelPart> mel;
    std::optional<TuningEstimator> tuning;
    std::optional<RhythmPart> rhythm;
    std::optional<MelScratch> scratch;
    if (parts.features) {
        mel.emplace(frames, sample_rate, options.keep_mel);
        tuning.emplace(sample_rate, threads);
        scratch.emplace(threads);
    }
    if (parts.rhythm) {
        rhythm.emplace(length, hop, threads);
        song.rhythm.hop = hop;
        song.rhythm.frames = frames;
    }
    // The STFT at the hop: the features' mel and the song's onsets; at hop 512 also the tuning's
    // peaks and the separation's frames. At another hop those two read an STFT at 512.
    const bool one_stft = hop == kHpssHop;
    static_assert(kHpssHop == kTuningHop);
    stft_pass(
        samples, hop,
        [&](int worker, std::int64_t frame, std::span<const std::complex<double>> spectrum) {
            if (mel) {
                mel->add(scratch->bands(worker, mel->bank, spectrum), frame);
                if (one_stft) {
                    tuning->add_frame(worker, spectrum);
                }
            }
            if (rhythm) {
                rhythm->add_song_frame(worker, frame, spectrum);
            }
        },
        rhythm && one_stft ? BlockVisitor([&](std::span<const std::complex<float>> block) {
            rhythm->separate(block);
        })
                           : BlockVisitor(),
        threads);
    if (!one_stft && rhythm) {
        stft_pass(
            samples, kHpssHop,
            [&](int worker, std::int64_t /*frame*/,
                std::span<const std::complex<double>> spectrum) {
                if (tuning) {
                    tuning->add_frame(worker, spectrum);
                }
            },
            [&](std::span<const std::complex<float>> block) { rhythm->separate(block); }, threads);
    }
    if (mel) {
        // Without the separation's STFT at 512, chroma_cqt estimates the tuning on its own pass.
        std::optional<double> estimate;
        if (one_stft || rhythm) {
            estimate = tuning->tuning(kChromaBinsPerOctave);
        }
        tuning.reset();
        song.features =
            finish_features(samples, sample_rate, hop, *mel, estimate, options, threads);
        mel.reset();
    }
    if (rhythm) {
        finish_rhythm(samples, hop, *rhythm, song.rhythm, options, threads);
    }
    return song;
}

}  // namespace bgv::features
