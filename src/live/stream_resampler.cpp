#include "live/stream_resampler.h"

#include <soxr.h>

#include "core/error.h"

namespace bgv::live {

void StreamResampler::SoxrDeleter::operator()(soxr* resampler) const {
    soxr_delete(resampler);
}

StreamResampler::StreamResampler(int from_rate, int to_rate)
    : from_rate_(from_rate), to_rate_(to_rate) {
    if (from_rate <= 0 || to_rate <= 0)
        fail("cannot resample from {} Hz to {} Hz", from_rate, to_rate);
    if (from_rate == to_rate)
        return;
    // As resample/soxr_hq: float32 in and out, (SOXR_HQ, 0), the default runtime spec.
    const soxr_io_spec_t io_spec = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality_spec = soxr_quality_spec(SOXR_HQ, 0);
    soxr_error_t error = nullptr;
    soxr_.reset(soxr_create(from_rate, to_rate, 1, &error, &io_spec, &quality_spec, nullptr));
    if (error != nullptr || !soxr_)
        fail("libsoxr cannot resample from {} Hz to {} Hz: {}", from_rate, to_rate,
             error != nullptr ? error : "unknown error");
}

StreamResampler::~StreamResampler() = default;

void StreamResampler::process(std::span<const float> input, std::vector<float>& output) {
    input_samples_ += static_cast<std::int64_t>(input.size());
    if (!soxr_) {
        output.insert(output.end(), input.begin(), input.end());
        output_samples_ += static_cast<std::int64_t>(input.size());
        return;
    }
    if (!input.empty())
        run(input.data(), input.size(), output);
}

void StreamResampler::flush(std::vector<float>& output) {
    if (soxr_)
        run(nullptr, 0, output);
}

void StreamResampler::run(const float* input, std::size_t length, std::vector<float>& output) {
    // Room for what this input completes and what the filter held back; soxr_process returns
    // early when the room is full, so it is called until it takes all the input and gives less
    // than the room.
    const std::size_t room =
        length * static_cast<std::size_t>(to_rate_) / static_cast<std::size_t>(from_rate_) + 1024;
    std::size_t taken_total = 0;
    for (;;) {
        const std::size_t start = output.size();
        output.resize(start + room);
        std::size_t taken = 0;
        std::size_t made = 0;
        const soxr_error_t error =
            soxr_process(soxr_.get(), input == nullptr ? nullptr : input + taken_total,
                         length - taken_total, &taken, output.data() + start, room, &made);
        output.resize(start + made);
        output_samples_ += static_cast<std::int64_t>(made);
        if (error != nullptr)
            fail("libsoxr failed while resampling: {}", error);
        taken_total += taken;
        if (taken_total >= length && made < room)
            return;
    }
}

}  // namespace bgv::live
