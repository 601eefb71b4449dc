#include "features/rms.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/assert.h"
#include "core/error.h"
#include "features/stft.h"

namespace bgv::features {

void rms_frames(const SignalWindow& signal, int hop, std::int64_t first, std::int64_t end,
                std::span<float> out) {
    if (hop < 1) {
        fail("RMS hop must be positive, not {}", hop);
    }
    const std::int64_t n = signal.length;
    const float* y = signal.samples.data() - signal.first;  // y[i]: sample i of the signal
    constexpr std::int64_t kHalf = kRmsFrameLength / 2;
    for (std::int64_t t = first; t < end; ++t) {
        const std::int64_t begin = std::max<std::int64_t>(0, t * hop - kHalf);
        const std::int64_t stop = std::min(n, t * hop + kHalf);
        BGV_ASSERT(begin >= signal.first &&
                       stop <= signal.first + static_cast<std::int64_t>(signal.samples.size()),
                   "RMS frame {} reads outside the window", t);
        double squares = 0;
        for (std::int64_t i = begin; i < stop; ++i) {
            const double v = y[i];
            squares += v * v;
        }
        out[static_cast<std::size_t>(t - first)] =
            static_cast<float>(std::sqrt(squares / kRmsFrameLength));
    }
}

std::vector<float> rms(std::span<const float> samples, int hop) {
    if (hop < 1) {
        fail("RMS hop must be positive, not {}", hop);
    }
    const auto n = static_cast<std::int64_t>(samples.size());
    std::vector<float> result(static_cast<std::size_t>(stft_frame_count(n, hop)));
    rms_frames(SignalWindow{samples, 0, n}, hop, 0, static_cast<std::int64_t>(result.size()),
               result);
    return result;
}

}  // namespace bgv::features
