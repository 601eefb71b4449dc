// live/audio_block: what the live audio inputs deliver: mono float samples at 22050 Hz in blocks,
// each with the time its first sample is heard, on the one monotonic clock of a live session.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace bgv::live {

// The clock every live timestamp is on (audio blocks, shown frames, the frame log): monotonic,
// CLOCK_MONOTONIC on Linux, the clock FFmpeg's av_gettime_relative reads too.
using Clock = std::chrono::steady_clock;

// The rate of the analysis (features/' kSampleRate): every input is resampled to it.
inline constexpr int kLiveSampleRate = 22050;

struct AudioBlock {
    // Index of the first sample at 22050 Hz, counted from the input's first sample: consecutive
    // blocks continue each other unless blocks were dropped (AudioInput::overruns()).
    std::int64_t first_sample = 0;
    // When the first sample is heard: in the past for a capture (when it reached the sound card),
    // in the near future for a file being played (when it will leave the loudspeaker).
    Clock::time_point first_sample_time;
    std::vector<float> samples;
};

// A point of the input's timeline: the sample (at 22050 Hz, possibly fractional) heard at `time`.
struct HeardPosition {
    double sample = 0;
    Clock::time_point time;
};

}  // namespace bgv::live
