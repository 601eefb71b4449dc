// resample/soxr_hq: librosa's default resampling (res_type='soxr_hq': libsoxr driven as
// python-soxr's HQ recipe does, trimmed or padded to librosa's length), for audio/ and features/'
// CQT octaves, whole or as a stream.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct soxr;

namespace bgv::resample {

// librosa.resample(y, orig_sr=from_rate, target_sr=to_rate, res_type='soxr_hq'): the output holds
// ceil(n * to_rate / from_rate) samples. Equal rates return a copy.
std::vector<float> resample(std::span<const float> samples, int from_rate, int to_rate);

// The length librosa.resample gives for `input_length` samples.
std::int64_t resampled_length(std::int64_t input_length, int from_rate, int to_rate);

// resample() fed piece by piece: libsoxr keeps its own queue, so its output does not depend on
// how the input is cut, and the samples equal resample()'s of the whole input bit for bit. The
// resampler holds only its filter's state, whatever the length of the stream.
class StreamResampler {
  public:
    StreamResampler(int from_rate, int to_rate);
    ~StreamResampler();
    StreamResampler(const StreamResampler&) = delete;
    StreamResampler& operator=(const StreamResampler&) = delete;

    // Resamples the next input samples, appending what is ready to `out`.
    void push(std::span<const float> samples, std::vector<float>& out);
    // Ends the input: appends the rest, then trims or pads `out` (which must hold everything this
    // stream appended, and nothing before it beyond `out_offset` values) to librosa's length for
    // the samples pushed.
    void finish(std::vector<float>& out, std::size_t out_offset = 0);
    // Ends the input and appends the rest, for callers that trim or pad to librosa's length
    // themselves (resampled_length of pushed()).
    void flush(std::vector<float>& out);
    // Input samples pushed so far, and output samples appended so far.
    std::int64_t pushed() const { return pushed_; }
    std::int64_t produced() const { return produced_; }
    int from_rate() const { return from_rate_; }
    int to_rate() const { return to_rate_; }

  private:
    void process(const float* input, std::size_t length, std::vector<float>& out);

    int from_rate_;
    int to_rate_;
    std::int64_t pushed_ = 0;
    std::int64_t produced_ = 0;
    struct Deleter {
        void operator()(soxr* resampler) const;
    };
    std::unique_ptr<soxr, Deleter> soxr_;
};

}  // namespace bgv::resample
