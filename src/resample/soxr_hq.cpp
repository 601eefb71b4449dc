#include "resample/soxr_hq.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace bgv::resample {

std::int64_t resampled_length(std::int64_t input_length, int from_rate, int to_rate) {
    // librosa: ratio = float(target_sr) / orig_sr; n_samples = int(np.ceil(n * ratio)).
    const double ratio = static_cast<double>(to_rate) / from_rate;
    return static_cast<std::int64_t>(std::ceil(static_cast<double>(input_length) * ratio));
}

void StreamResampler::Deleter::operator()(soxr* resampler) const {
    soxr_delete(resampler);
}

StreamResampler::StreamResampler(int from_rate, int to_rate)
    : from_rate_(from_rate), to_rate_(to_rate) {
    if (from_rate <= 0 || to_rate <= 0)
        fail("cannot resample from {} Hz to {} Hz", from_rate, to_rate);
    if (from_rate == to_rate)
        return;  // samples pass through
    // python-soxr's resample(x, in, out, 'HQ'): float32 in and out, quality spec (SOXR_HQ, 0),
    // default runtime spec. It feeds the input in blocks and flushes at the end; libsoxr queues
    // its input, so any other cut of the input gives the same samples.
    const soxr_io_spec_t io_spec = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality_spec = soxr_quality_spec(SOXR_HQ, 0);
    soxr_error_t error = nullptr;
    soxr_.reset(soxr_create(from_rate, to_rate, 1, &error, &io_spec, &quality_spec, nullptr));
    if (error != nullptr || !soxr_)
        fail("libsoxr cannot resample from {} Hz to {} Hz: {}", from_rate, to_rate,
             error != nullptr ? error : "unknown error");
}

StreamResampler::~StreamResampler() = default;

void StreamResampler::process(const float* input, std::size_t length, std::vector<float>& out) {
    // Room for what this input can produce, plus libsoxr's lag caught up, in bounded steps.
    const auto room =
        static_cast<std::size_t>(static_cast<double>(length) * to_rate_ / from_rate_) + 4096;
    std::size_t consumed = 0;
    for (;;) {
        const std::size_t start = out.size();
        out.resize(start + room);
        std::size_t used = 0;
        std::size_t done = 0;
        const soxr_error_t error = soxr_process(
            soxr_.get(), input == nullptr ? nullptr : input + consumed, length - consumed,
            input == nullptr ? nullptr : &used, out.data() + start, room, &done);
        out.resize(start + done);
        produced_ += static_cast<std::int64_t>(done);
        consumed += used;
        if (error != nullptr)
            fail("libsoxr failed while resampling: {}", error);
        // Fed input is queued whole by libsoxr; the end of input is flushed until nothing comes.
        if (input == nullptr ? done == 0 : consumed >= length && done < room)
            return;
    }
}

void StreamResampler::push(std::span<const float> samples, std::vector<float>& out) {
    pushed_ += static_cast<std::int64_t>(samples.size());
    if (!soxr_) {
        out.insert(out.end(), samples.begin(), samples.end());
        produced_ += static_cast<std::int64_t>(samples.size());
        return;
    }
    if (!samples.empty())
        process(samples.data(), samples.size(), out);
}

void StreamResampler::flush(std::vector<float>& out) {
    if (soxr_)
        process(nullptr, 0, out);
}

void StreamResampler::finish(std::vector<float>& out, std::size_t out_offset) {
    flush(out);
    // librosa.util.fix_length: trim, or pad with zeros, to the expected length.
    out.resize(
        out_offset + static_cast<std::size_t>(resampled_length(pushed_, from_rate_, to_rate_)),
        0.0f);
}

std::vector<float> resample(std::span<const float> samples, int from_rate, int to_rate) {
    StreamResampler resampler(from_rate, to_rate);
    std::vector<float> output;
    output.reserve(static_cast<std::size_t>(
        resampled_length(static_cast<std::int64_t>(samples.size()), from_rate, to_rate) + 8192));
    resampler.push(samples, output);
    resampler.finish(output);
    return output;
}

}  // namespace bgv::resample
