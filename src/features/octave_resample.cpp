#include "features/octave_resample.h"

#include <cmath>

#include "core/error.h"
#include "resample/soxr_hq.h"

namespace bgv::features {

std::vector<float> downsample_soxr_hq(std::span<const float> samples, int factor) {
    if (factor < 1) {
        fail("downsampling factor must be positive, not {}", factor);
    }
    if (factor == 1) {
        return {samples.begin(), samples.end()};
    }
    // librosa.resample(y, orig_sr=factor, target_sr=1) and then scale=True: divided by sqrt(ratio).
    std::vector<float> out = resample::resample(samples, factor, 1);
    const double in_rate = factor;
    const double out_rate = 1.0;
    const auto divisor = static_cast<float>(std::sqrt(out_rate / in_rate));
    for (auto& value : out) {
        value /= divisor;
    }
    return out;
}

}  // namespace bgv::features
