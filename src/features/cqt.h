// features/cqt: librosa 0.10.2's constant-Q transform magnitude (cqt: frequency-domain filters per
// octave, early downsampling, soxr half-band resampling between octaves, length scaling), whole or
// block by block.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace bgv::features {

struct CqtSpec {
    double fmin_hz = 0;  // 0: C1 (librosa's default), before the tuning correction
    int n_bins = 84;
    int bins_per_octave = 12;
    double tuning = 0;  // fraction of a bin
    double filter_scale = 1;
    double sparsity = 0.01;
};

struct CqtMagnitude {
    int n_bins = 0;
    std::int64_t frames = 0;
    std::vector<float> magnitude;  // n_bins × frames, row-major (bin, frame)
};

// C1 = MIDI note 24 in Hz (librosa.note_to_hz("C1")).
double c1_hz();

// np.abs(librosa.cqt(y, sr, hop_length, fmin, n_bins, bins_per_octave, tuning)) with the other
// parameters at their defaults (Hann window, norm 1, scale=True, pad_mode "constant",
// res_type "soxr_hq"), complex64 filters and a float32 signal between octaves as librosa keeps
// them.
CqtMagnitude cqt_magnitude(std::span<const float> samples, int sample_rate, int hop,
                           const CqtSpec& spec, int threads);

// The same transform computed block by block: frames [first, end) at a time, in order, each the
// same values as cqt_magnitude's. Memory holds the filters and each octave's signal around the
// block (OctaveChain), not the song's octaves or its whole transform.
class CqtBlocks {
  public:
    // `samples` must outlive the object.
    CqtBlocks(std::span<const float> samples, int sample_rate, int hop, const CqtSpec& spec);
    ~CqtBlocks();
    CqtBlocks(const CqtBlocks&) = delete;
    CqtBlocks& operator=(const CqtBlocks&) = delete;

    // librosa's frame count: the fewest any octave has (at least the STFT's 1 + n / hop).
    std::int64_t frames() const;
    int n_bins() const;
    // Frames [first, end) into `block` (n_bins × (end - first)); `first` is where the previous
    // block ended (0 at the start).
    void compute(std::int64_t first, std::int64_t end, CqtMagnitude& block, int threads);

  private:
    struct Plan;
    std::unique_ptr<Plan> plan_;
};

}  // namespace bgv::features
