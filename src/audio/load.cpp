#include "audio/load.h"

#include "audio/decode.h"
#include "core/error.h"

namespace bgv::audio {

Pcm load_mono(const std::filesystem::path& path, int sample_rate, std::optional<double> max_seconds,
              double start_seconds) {
    NativeAudio native = decode_native(path, max_seconds, false, start_seconds);
    Pcm pcm;
    pcm.sample_rate = sample_rate;
    if (native.sample_rate == sample_rate) {
        pcm.samples = std::move(native.mono);
    } else {
        pcm.samples = with_context(path.string(), [&] {
            return resample::resample(native.mono, native.sample_rate, sample_rate);
        });
    }
    return pcm;
}

}  // namespace bgv::audio
