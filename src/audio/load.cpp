#include "audio/load.h"

#include <memory>

#include "core/assert.h"

namespace bgv::audio {

Pcm load_mono(const std::filesystem::path& path, int sample_rate, const Section& section) {
    Pcm pcm;
    pcm.sample_rate = sample_rate;
    std::unique_ptr<resample::StreamResampler> resampler;
    decode_section(
        path, section, false,
        [&](const StreamInfo& info) {
            resampler = std::make_unique<resample::StreamResampler>(info.sample_rate, sample_rate);
            // Reserved from the container's estimate, with room to spare: pages are only taken
            // as samples arrive, and a song that outgrows it is copied once more.
            const auto expected = static_cast<std::size_t>(
                resample::resampled_length(info.expected_frames, info.sample_rate, sample_rate));
            pcm.samples.reserve(expected + expected / 16 + 65536);
        },
        [&](const Chunk& chunk) { resampler->push(chunk.mono, pcm.samples); });
    BGV_ASSERT(resampler != nullptr, "decode_section gave samples without their format");
    resampler->finish(pcm.samples);
    return pcm;
}

Pcm load_mono(const std::filesystem::path& path, int sample_rate, std::optional<double> max_seconds,
              double start_seconds) {
    return load_mono(path, sample_rate, Section{start_seconds, max_seconds, std::nullopt});
}

}  // namespace bgv::audio
