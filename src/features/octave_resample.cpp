#include "features/octave_resample.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/error.h"

namespace bgv::features {

std::vector<float> downsample_soxr_hq(std::span<const float> samples, int factor) {
    if (factor < 1) {
        fail("downsampling factor must be positive, not {}", factor);
    }
    if (factor == 1) {
        return {samples.begin(), samples.end()};
    }
    const double in_rate = factor;
    const double out_rate = 1.0;
    const soxr_io_spec_t io_spec = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality_spec = soxr_quality_spec(SOXR_HQ, 0);
    soxr_error_t error = nullptr;
    std::unique_ptr<soxr, decltype(&soxr_delete)> resampler(
        soxr_create(in_rate, out_rate, 1, &error, &io_spec, &quality_spec, nullptr), &soxr_delete);
    if (error != nullptr || !resampler) {
        fail("libsoxr: {}", error != nullptr ? error : "cannot create a resampler");
    }
    // python-soxr's buffer and chunking: the output holds n * out / in + 1 samples and the input
    // goes in blocks of max(1000, 48000 * in / out) samples before the final flush.
    const std::size_t n_in = samples.size();
    const auto capacity =
        static_cast<std::size_t>(static_cast<double>(n_in) * out_rate / in_rate + 1);
    const auto block = static_cast<std::size_t>(std::max(1000.0, 48000.0 * in_rate / out_rate));
    std::vector<float> out(capacity, 0.0F);
    std::size_t produced = 0;
    for (std::size_t at = 0; at < n_in; at += block) {
        std::size_t done = 0;
        error = soxr_process(resampler.get(), samples.data() + at, std::min(block, n_in - at),
                             nullptr, out.data() + produced, capacity - produced, &done);
        if (error != nullptr) {
            fail("libsoxr: {}", error);
        }
        produced += done;
    }
    std::size_t done = 0;
    error = soxr_process(resampler.get(), nullptr, 0, nullptr, out.data() + produced,
                         capacity - produced, &done);
    if (error != nullptr) {
        fail("libsoxr: {}", error);
    }
    produced += done;
    // librosa's fix_length to ceil(n * ratio), then scale=True divides by sqrt(ratio) (float32).
    const auto target = static_cast<std::size_t>(std::ceil(static_cast<double>(n_in) / factor));
    out.resize(produced);
    out.resize(target, 0.0F);
    const auto divisor = static_cast<float>(std::sqrt(out_rate / in_rate));
    for (auto& value : out) {
        value /= divisor;
    }
    return out;
}

}  // namespace bgv::features
