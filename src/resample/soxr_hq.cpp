#include "resample/soxr_hq.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/error.h"

namespace bgv::resample {

namespace {
struct SoxrDeleter {
    void operator()(soxr* resampler) const { soxr_delete(resampler); }
};
}  // namespace

std::int64_t resampled_length(std::int64_t input_length, int from_rate, int to_rate) {
    // librosa: ratio = float(target_sr) / orig_sr; n_samples = int(np.ceil(n * ratio)).
    const double ratio = static_cast<double>(to_rate) / from_rate;
    return static_cast<std::int64_t>(std::ceil(static_cast<double>(input_length) * ratio));
}

std::vector<float> resample(std::span<const float> samples, int from_rate, int to_rate) {
    if (from_rate <= 0 || to_rate <= 0)
        fail("cannot resample from {} Hz to {} Hz", from_rate, to_rate);
    if (from_rate == to_rate)
        return {samples.begin(), samples.end()};

    // python-soxr's resample(x, in, out, 'HQ'): float32 in and out, quality spec (SOXR_HQ, 0),
    // default runtime spec, input fed in blocks of max(1000, 48000 * in / out) samples, then
    // flushed, into a buffer of n * out / in + 1 samples.
    const double in_rate = from_rate;
    const double out_rate = to_rate;
    const soxr_io_spec_t io_spec = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality_spec = soxr_quality_spec(SOXR_HQ, 0);
    soxr_error_t error = nullptr;
    std::unique_ptr<soxr, SoxrDeleter> resampler(
        soxr_create(in_rate, out_rate, 1, &error, &io_spec, &quality_spec, nullptr));
    if (error != nullptr || !resampler)
        fail("libsoxr cannot resample from {} Hz to {} Hz: {}", from_rate, to_rate,
             error != nullptr ? error : "unknown error");

    const std::size_t input_length = samples.size();
    const auto capacity =
        static_cast<std::size_t>(static_cast<double>(input_length) * out_rate / in_rate) + 1;
    const auto block = static_cast<std::size_t>(std::max(1000.0, 48000.0 * in_rate / out_rate));
    std::vector<float> output(capacity, 0.0f);
    std::size_t written = 0;
    const auto process = [&](const float* input, std::size_t length) {
        std::size_t done = 0;
        error = soxr_process(resampler.get(), input, length, nullptr, output.data() + written,
                             capacity - written, &done);
        written += done;
        if (error != nullptr)
            fail("libsoxr failed while resampling: {}", error);
    };
    for (std::size_t start = 0; start < input_length; start += block)
        process(samples.data() + start, std::min(block, input_length - start));
    process(nullptr, 0);

    // librosa.util.fix_length: trim, or pad with zeros, to the expected length.
    output.resize(written);
    output.resize(static_cast<std::size_t>(resampled_length(static_cast<std::int64_t>(input_length),
                                                            from_rate, to_rate)),
                  0.0f);
    return output;
}

}  // namespace bgv::resample
