// live/stream_resampler: mono float samples resampled to 22050 Hz as they arrive, block by block,
// with libsoxr's HQ quality: the recipe of resample/soxr_hq (librosa's soxr_hq) in streaming form,
// so a file played live gives the analysis the samples `audio::load_mono` gives a file render.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct soxr;

namespace bgv::live {

class StreamResampler {
  public:
    StreamResampler(int from_rate, int to_rate);
    ~StreamResampler();
    StreamResampler(const StreamResampler&) = delete;
    StreamResampler& operator=(const StreamResampler&) = delete;

    // Appends the output that `input` completes to `output`. libsoxr removes its own delay: output
    // sample k lies at input position k * from_rate / to_rate.
    void process(std::span<const float> input, std::vector<float>& output);
    // The tail the filter still holds, at the end of the input.
    void flush(std::vector<float>& output);

    int from_rate() const { return from_rate_; }
    int to_rate() const { return to_rate_; }
    std::int64_t input_samples() const { return input_samples_; }
    std::int64_t output_samples() const { return output_samples_; }

  private:
    void run(const float* input, std::size_t length, std::vector<float>& output);

    struct SoxrDeleter {
        void operator()(soxr* resampler) const;
    };
    int from_rate_;
    int to_rate_;
    std::unique_ptr<soxr, SoxrDeleter> soxr_;  // null when the rates are equal
    std::int64_t input_samples_ = 0;
    std::int64_t output_samples_ = 0;
};

}  // namespace bgv::live
