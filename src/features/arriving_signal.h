// features/arriving_signal: a signal made piece by piece (a part the separation hands out), held
// from the first sample its pending frames still read, so that frame passes run on it as it comes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "features/stft.h"

namespace bgv::features {

class ArrivingSignal {
  public:
    // `length`: the samples the whole signal will have.
    explicit ArrivingSignal(std::int64_t length);

    void append(std::span<const float> samples);
    std::int64_t arrived() const { return first_ + static_cast<std::int64_t>(held_.size()); }
    // Centred frames of `frame_length` samples every `hop` (1 + length / hop of them) whose
    // samples have all arrived; all of them once the whole signal has.
    std::int64_t frames_ready(int frame_length, int hop) const;
    // The samples held, as a window of the whole signal.
    SignalWindow window() const;
    // Samples before `from` will not be read again.
    void release(std::int64_t from);

  private:
    std::int64_t length_;
    std::int64_t first_ = 0;  // signal index of held_[0]
    std::vector<float> held_;
};

}  // namespace bgv::features
