#include "audio/sample_conversion.h"

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/samplefmt.h>
}

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "core/error.h"

namespace bgv::audio {

namespace {

// Samples as librosa's readers produce them: libsndfile's float conversion (integer scaled by
// 2^-(bits-1)), or, on the audioread path, ffmpeg's conversion to s16 then x / 32768.
template <typename T>
float to_float(T value) {
    if constexpr (std::is_same_v<T, std::uint8_t>) {
        return static_cast<float>(static_cast<int>(value) - 128) * (1.0f / 128.0f);
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
        return static_cast<float>(value) * (1.0f / 32768.0f);
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
        return static_cast<float>(value) * (1.0f / 2147483648.0f);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
        return static_cast<float>(static_cast<double>(value) * (1.0 / 9223372036854775808.0));
    } else {
        return static_cast<float>(value);
    }
}

// libswresample's conversions to s16 (truncating shifts for integers, lrint for floats).
template <typename T>
float to_16_bits(T value) {
    long quantised = 0;
    if constexpr (std::is_same_v<T, std::uint8_t>) {
        quantised = (static_cast<long>(value) - 128) * 256;
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
        quantised = value;
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
        quantised = value >> 16;
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
        quantised = static_cast<long>(value >> 48);
    } else if constexpr (std::is_same_v<T, float>) {
        quantised = std::lrintf(value * 32768.0f);
    } else {
        quantised = std::lrint(value * 32768.0);
    }
    return static_cast<float>(std::clamp(quantised, -32768L, 32767L)) * (1.0f / 32768.0f);
}

// Adds channel `channel` of `frame` (samples of type T) to `sums`, in float32.
template <typename T>
void add_channel(const AVFrame& frame, int channel, bool planar, bool quantise, float* sums) {
    const int channels = frame.ch_layout.nb_channels;
    const auto* data = reinterpret_cast<const std::uint8_t*>(planar ? frame.extended_data[channel]
                                                                    : frame.extended_data[0]);
    const std::size_t stride = planar ? 1 : static_cast<std::size_t>(channels);
    const std::size_t offset = planar ? 0 : static_cast<std::size_t>(channel);
    for (int i = 0; i < frame.nb_samples; ++i) {
        T value;
        std::memcpy(&value, data + (static_cast<std::size_t>(i) * stride + offset) * sizeof(T),
                    sizeof(T));
        sums[i] += quantise ? to_16_bits(value) : to_float(value);
    }
}

}  // namespace

void add_channel(const AVFrame& frame, int channel, bool quantise, float* sums) {
    const auto format = static_cast<AVSampleFormat>(frame.format);
    const bool planar = av_sample_fmt_is_planar(format) != 0;
    switch (av_get_packed_sample_fmt(format)) {
        case AV_SAMPLE_FMT_U8:
            return add_channel<std::uint8_t>(frame, channel, planar, quantise, sums);
        case AV_SAMPLE_FMT_S16:
            return add_channel<std::int16_t>(frame, channel, planar, quantise, sums);
        case AV_SAMPLE_FMT_S32:
            return add_channel<std::int32_t>(frame, channel, planar, quantise, sums);
        case AV_SAMPLE_FMT_S64:
            return add_channel<std::int64_t>(frame, channel, planar, quantise, sums);
        case AV_SAMPLE_FMT_FLT:
            return add_channel<float>(frame, channel, planar, quantise, sums);
        case AV_SAMPLE_FMT_DBL:
            return add_channel<double>(frame, channel, planar, quantise, sums);
        default: {
            const char* name = av_get_sample_fmt_name(format);
            fail("unsupported sample format {}", name != nullptr ? name : "(unknown)");
        }
    }
}

}  // namespace bgv::audio
