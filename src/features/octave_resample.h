// features/octave_resample: the power-of-two downsampling of librosa's constant-Q transform
// (librosa.resample with res_type "soxr_hq", fix=True, scale=True), done with libsoxr, whole or
// as a chain of octaves made as their frames need them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "features/stft.h"
#include "resample/soxr_hq.h"

namespace bgv::features {

// librosa.resample(y, orig_sr=factor, target_sr=1, res_type="soxr_hq", scale=True): libsoxr's
// high-quality (20-bit, linear-phase) float32 resampler, as python-soxr drives it, cut or
// zero-padded to ceil(n / factor) samples and multiplied by sqrt(factor).
std::vector<float> downsample_soxr_hq(std::span<const float> samples, int factor);

// The signals of a constant-Q transform's octaves: stage 0 is the source; stage s > 0 is
// downsample_soxr_hq(stage s - 1, factors[s - 1]), bit for bit, made piece by piece as windows
// of it are asked for. Each stage holds only the samples from the earliest one still wanted (by
// release, and by the next stage's resampler) to the last one made, so a long song costs a few
// blocks per octave rather than a copy of the song per octave.
class OctaveChain {
  public:
    OctaveChain(std::span<const float> source, const std::vector<int>& factors);
    ~OctaveChain();
    OctaveChain(const OctaveChain&) = delete;
    OctaveChain& operator=(const OctaveChain&) = delete;

    int stages() const { return static_cast<int>(stages_.size()); }
    // The stage's whole length: ceil(length of the stage before / factor).
    std::int64_t length(int stage) const;
    // Samples [from, to) of the stage (to cut at its length), made as needed. `from` must not be
    // before what release let go; the window is valid until the next call.
    SignalWindow window(int stage, std::int64_t from, std::int64_t to);
    // No sample before `from` of `stage` will be asked for again.
    void release(int stage, std::int64_t from);

  private:
    struct Stage;
    void make_until(int stage, std::int64_t to);
    void drop_unwanted(int stage);

    std::vector<std::unique_ptr<Stage>> stages_;
};

}  // namespace bgv::features
