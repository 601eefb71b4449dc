// features/onset: librosa's onset strength (the rise of the log-power mel spectrogram, averaged
// over bands) and onset detection (peak picking on the normalised strength), librosa 0.10.2.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "features/mel.h"

namespace bgv::features {

// librosa.onset.onset_strength(y, sr, hop_length=hop): the mel power spectrogram (n_fft 2048,
// 128 bands up to sr/2) in dB (power_to_db: ref 1, amin 1e-10, top_db 80); per frame the mean
// over bands of max(0, dB - previous frame's dB); moved later by 1 + 2048 / (2 hop) frames (lag
// plus centring, zeros in front) and cut to the mel spectrogram's frame count.
std::vector<float> onset_strength(std::span<const float> samples, int sample_rate, int hop,
                                  int threads);

// The same from the mel power spectrogram, for callers that computed it already.
std::vector<float> onset_strength_from_mel(const MelSpectrogram& mel, int hop);

// onset_strength built frame by frame from a pass that makes each frame's mel power (128 bands up
// to sr/2): the frames are kept in dB (512 bytes each, 79 MB for an hour at hop 512) until all
// are in, since the 80 dB floor is relative to the song's loudest value; the spectra are not.
class OnsetEnvelope {
  public:
    OnsetEnvelope(std::int64_t frames, int hop);
    // Frame `frame`'s mel power (kMelBands values); any order, any thread, each frame once.
    void add_frame(std::int64_t frame, std::span<const float> mel_power);
    // Once every frame is in.
    std::vector<float> envelope() const;

  private:
    std::int64_t frames_;
    int hop_;
    std::vector<float> db_;  // frame-major: frame t's bands at [t · kMelBands, (t + 1) · kMelBands)
};

// librosa.onset.onset_detect(onset_envelope=envelope, sr, hop_length=hop): the envelope scaled
// to [0, 1], then util.peak_pick with librosa's defaults in frames (pre_max 0.03 s, post_max 1,
// pre_avg 0.1 s, post_avg 0.1 s + 1, wait 0.03 s, delta 0.07). No onsets for a constant or
// non-finite envelope.
std::vector<std::int64_t> onset_detect(std::span<const float> envelope, int sample_rate, int hop);

// Python's float floor division a // b, which librosa's frame counts use (positive b).
double python_floor_divide(double a, double b);

}  // namespace bgv::features
