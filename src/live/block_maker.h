// live/block_maker: mono samples at the input's rate, each run with the time its first sample is
// heard, turned into 22050 Hz AudioBlocks whose first samples carry their own times.
#pragma once

#include <cstdint>
#include <span>

#include "live/audio_block.h"
#include "resample/soxr_hq.h"

namespace bgv::live {

class BlockMaker {
  public:
    explicit BlockMaker(int input_rate);

    // `mono` continues the input; its first sample is heard at `time`. Returns the samples it
    // completes at 22050 Hz (none at first, while the resampler fills), timed from `time`.
    AudioBlock add(std::span<const float> mono, Clock::time_point time);
    // The resampler's tail at the end of the input.
    AudioBlock finish();

    int input_rate() const { return resampler_.from_rate(); }

  private:
    AudioBlock make_block(std::int64_t first, std::vector<float> samples);

    resample::StreamResampler resampler_;  // libsoxr HQ: the file render's resampling
    // The latest run: the input index of its first sample and when that sample is heard. Output
    // sample k lies at input index k * input_rate / 22050, so its time follows from this anchor;
    // anchoring on every run follows a sound card whose clock drifts from the system's.
    std::int64_t anchor_index_ = 0;
    Clock::time_point anchor_time_{};
    Clock::time_point previous_time_ = Clock::time_point::min();  // the last block's first sample's
};

}  // namespace bgv::live
