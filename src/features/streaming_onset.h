// features/streaming_onset: librosa's onset strength (the mean rise of the log-power mel spectrum
// since the previous frame) computed frame by frame as the frames arrive, for the live analysis.
#pragma once

#include <span>
#include <vector>

#include "features/mel.h"

namespace bgv::features {

// librosa.onset.onset_strength's per-frame value from its mel power frames (128 bands up to sr/2).
// The one difference: power_to_db's floor (80 dB below the loudest value) uses the loudest value
// heard so far, not the whole song's; both this frame and the previous one are floored with it.
// The values are float32 in librosa's order of operations, so that where no value is floored
// differently the result equals onset_strength's (see next()).
class StreamingOnsetStrength {
  public:
    explicit StreamingOnsetStrength(int n_mels);

    // The next frame's mel power (n_mels values) in, its onset strength out: the mean over bands
    // of max(0, dB(frame) - dB(previous frame)), 0 for the first frame. Frame t's value is
    // librosa's onset_strength(...)[t + n_fft / (2 hop)], i.e. librosa puts it n_fft / (2 hop)
    // frames after the mel frame it comes from (its lag and centring shift).
    float next(std::span<const float> mel_power);
    // The value next() would give for `mel_power`, the state left unchanged: the rise over the
    // last frame given to next() (for a window between two frames, a lag shorter than a hop).
    float peek(std::span<const float> mel_power);

  private:
    float rise_over_previous(std::span<const float> mel_power, bool keep);

    int n_mels_ = 0;
    bool first_ = true;
    float loudest_db_ = 0;
    std::vector<float> previous_db_, db_;
};

// The mel filter bank applied to one power spectrum (n_fft/2 + 1 values): each band's weighted
// sum in double precision, rounded to float32, as mel_spectrogram computes every frame.
void apply_mel_bank(std::span<const MelBand> bank, std::span<const double> power,
                    std::span<float> mel_power);

}  // namespace bgv::features
