#include "features/rms.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/error.h"
#include "features/stft.h"

namespace bgv::features {

std::vector<float> rms(std::span<const float> samples, int hop) {
    if (hop < 1) {
        fail("RMS hop must be positive, not {}", hop);
    }
    const auto n = static_cast<std::int64_t>(samples.size());
    const std::int64_t frames = stft_frame_count(n, hop);
    std::vector<float> result(static_cast<std::size_t>(frames));
    constexpr std::int64_t kHalf = kRmsFrameLength / 2;
    for (std::int64_t t = 0; t < frames; ++t) {
        const std::int64_t begin = std::max<std::int64_t>(0, t * hop - kHalf);
        const std::int64_t end = std::min(n, t * hop + kHalf);
        double squares = 0;
        for (std::int64_t i = begin; i < end; ++i) {
            const double v = samples[static_cast<std::size_t>(i)];
            squares += v * v;
        }
        result[static_cast<std::size_t>(t)] =
            static_cast<float>(std::sqrt(squares / kRmsFrameLength));
    }
    return result;
}

}  // namespace bgv::features
