#include "live/sample_converter.h"

extern "C" {
#include <libavutil/samplefmt.h>
}

#include "av/ffmpeg.h"
#include "core/error.h"

namespace bgv::live {

SampleConverter::~SampleConverter() {
    av_channel_layout_uninit(&layout_);
}

void SampleConverter::configure(const AVFrame& frame) {
    const int channels = frame.ch_layout.nb_channels;
    if (channels <= 0 || frame.sample_rate <= 0)
        fail("audio frame with {} channels at {} Hz", channels, frame.sample_rate);
    AVChannelLayout layout{};
    if (frame.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
        av_channel_layout_default(&layout, channels);
    else
        av::check(av_channel_layout_copy(&layout, &frame.ch_layout), "audio channel layout");
    const bool same = swr_ && format_ == frame.format && sample_rate_ == frame.sample_rate &&
                      av_channel_layout_compare(&layout, &layout_) == 0;
    if (same) {
        av_channel_layout_uninit(&layout);
        return;
    }
    av_channel_layout_uninit(&layout_);
    layout_ = layout;
    format_ = frame.format;
    sample_rate_ = frame.sample_rate;
    channels_ = channels;
    // Only the sample format changes: same layout and rate on both sides, so swresample neither
    // mixes nor resamples (those are done here and by StreamResampler, as librosa does them).
    SwrContext* raw = nullptr;
    av::check(swr_alloc_set_opts2(&raw, &layout_, AV_SAMPLE_FMT_FLT, sample_rate_, &layout_,
                                  static_cast<AVSampleFormat>(format_), sample_rate_, 0, nullptr),
              "cannot convert the audio samples");
    swr_.reset(raw);
    av::check(swr_init(swr_.get()), "cannot convert the audio samples");
}

void SampleConverter::convert(const AVFrame& frame) {
    configure(frame);
    const int count = frame.nb_samples;
    interleaved_.resize(static_cast<std::size_t>(count) * channels_);
    auto* out = reinterpret_cast<std::uint8_t*>(interleaved_.data());
    const int converted =
        av::check(swr_convert(swr_.get(), &out, count,
                              const_cast<const std::uint8_t**>(frame.extended_data), count),
                  "cannot convert the audio samples");
    interleaved_.resize(static_cast<std::size_t>(converted) * channels_);
    mono_.resize(static_cast<std::size_t>(converted));
    // librosa.to_mono: np.mean over the channels, in float32.
    for (int i = 0; i < converted; ++i) {
        float sum = 0;
        for (int c = 0; c < channels_; ++c)
            sum += interleaved_[static_cast<std::size_t>(i) * channels_ + c];
        mono_[i] = channels_ == 1 ? sum : sum / static_cast<float>(channels_);
    }
}

}  // namespace bgv::live
