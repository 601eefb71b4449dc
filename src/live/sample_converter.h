// live/sample_converter: decoded audio frames of any sample format and channel layout as float
// samples: interleaved (for playback and recording) and mixed to mono as librosa mixes (the mean of
// the channels), at the frame's own rate.
#pragma once

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
}

#include <memory>
#include <vector>

namespace bgv::live {

class SampleConverter {
  public:
    SampleConverter() = default;
    ~SampleConverter();
    SampleConverter(const SampleConverter&) = delete;
    SampleConverter& operator=(const SampleConverter&) = delete;

    // Converts `frame` (nb_samples per channel); frames may change format or layout on the way.
    void convert(const AVFrame& frame);

    const std::vector<float>& interleaved() const { return interleaved_; }
    const std::vector<float>& mono() const { return mono_; }
    int channels() const { return channels_; }
    int sample_rate() const { return sample_rate_; }
    // The layout of interleaved() (a default layout when the source gave only a count).
    const AVChannelLayout& layout() const { return layout_; }

  private:
    void configure(const AVFrame& frame);

    struct SwrDeleter {
        void operator()(SwrContext* swr) const { swr_free(&swr); }
    };
    std::unique_ptr<SwrContext, SwrDeleter> swr_;
    AVChannelLayout layout_{};
    int format_ = -1;
    int sample_rate_ = 0;
    int channels_ = 0;
    std::vector<float> interleaved_;
    std::vector<float> mono_;
};

}  // namespace bgv::live
