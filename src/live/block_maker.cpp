#include "live/block_maker.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace bgv::live {

BlockMaker::BlockMaker(int input_rate) : resampler_(input_rate, kLiveSampleRate) {}

AudioBlock BlockMaker::make_block(std::int64_t first, std::vector<float> samples) {
    const double input_position =
        static_cast<double>(first) * resampler_.from_rate() / kLiveSampleRate;
    const double seconds =
        (input_position - static_cast<double>(anchor_index_)) / resampler_.from_rate();
    AudioBlock block;
    block.first_sample = first;
    // After the block before it: the capture clock may move a run's anchor a little earlier (it
    // found a more prompt arrival), which could put a block of a few samples (PulseAudio hands over
    // some) before the one it follows. Only that order is kept; times are not pushed any later.
    block.first_sample_time = std::max(anchor_time_ + std::chrono::duration_cast<Clock::duration>(
                                                          std::chrono::duration<double>(seconds)),
                                       previous_time_ + std::chrono::microseconds(1));
    block.samples = std::move(samples);
    if (!block.samples.empty())
        previous_time_ = block.first_sample_time;
    return block;
}

AudioBlock BlockMaker::add(std::span<const float> mono, Clock::time_point time) {
    anchor_index_ = resampler_.pushed();
    anchor_time_ = time;
    const std::int64_t first = resampler_.produced();
    std::vector<float> samples;
    resampler_.push(mono, samples);
    return make_block(first, std::move(samples));
}

AudioBlock BlockMaker::finish() {
    const std::int64_t first = resampler_.produced();
    std::vector<float> samples;
    resampler_.flush(samples);
    return make_block(first, std::move(samples));
}

}  // namespace bgv::live
