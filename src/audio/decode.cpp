#include "audio/decode.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <system_error>

#include "audio/duration_limit.h"
#include "core/error.h"
#include "core/log.h"

namespace bgv::audio {

namespace {

void check_is_nonempty_file(const std::filesystem::path& path) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (!std::filesystem::exists(status))
        fail("no such file");
    if (std::filesystem::is_directory(status))
        fail("is a directory, not an audio file");
    if (!std::filesystem::is_regular_file(status))
        fail("is not a regular file (a device or a pipe), expected an audio file");
    const auto size = std::filesystem::file_size(path, error);
    if (!error && size == 0)
        fail("file is empty");
}

// The section's length from a duration of the whole stream.
double section_seconds(double stream_seconds, const Section& section) {
    double seconds = std::max(0.0, stream_seconds - section.start_seconds);
    if (section.max_seconds)
        seconds = std::min(seconds, *section.max_seconds);
    return seconds;
}

SectionDecoded decode(const std::filesystem::path& path, const Section& section, bool keep_channels,
                      const std::function<void(const StreamInfo&)>& begin,
                      const std::function<void(const Chunk&)>& sink) {
    if (section.max_seconds && !(*section.max_seconds > 0))
        fail("duration must be positive, not {}", *section.max_seconds);
    if (!(section.start_seconds >= 0))
        fail("start must be 0 or later, not {}", section.start_seconds);
    check_is_nonempty_file(path);
    AudioReader reader(path, keep_channels);
    // The limit is checked from the header before any sample is decoded.
    if (const double stated = reader.declared_seconds(); stated > 0)
        check_stated_duration(section_seconds(stated, section), section.max_duration);

    const int rate = reader.sample_rate();
    if (rate == 0) {
        if (!reader.read_error().empty())
            fail("no audio could be decoded: {}", reader.read_error());
        if (reader.damaged_packets() > 0)
            fail("no audio could be decoded ({} damaged packets)", reader.damaged_packets());
        fail("contains no audio samples");
    }
    const bool quantised = reader.quantised_to_16_bits();
    // librosa.load(offset=start, duration=d): int(start·rate) frames skipped, then int(d·rate)
    // kept (rounding start + d instead would lose a sample: int(1.4·22050) = 30869).
    const std::int64_t skip =
        section.start_seconds > 0 ? frames_for_duration(section.start_seconds, rate, quantised) : 0;
    const std::int64_t keep = section.max_seconds
                                  ? frames_for_duration(*section.max_seconds, rate, quantised)
                                  : std::numeric_limits<std::int64_t>::max();
    if (skip > 0)
        reader.skip_to(skip);

    StreamInfo info{rate, reader.channels(), quantised, 0};
    if (const double estimated = reader.estimated_seconds(); estimated > 0) {
        double seconds = section_seconds(estimated, section);
        if (section.max_duration)
            seconds = std::min(seconds, *section.max_duration);
        info.expected_frames = static_cast<std::int64_t>(std::ceil(seconds * rate));
    }
    begin(info);

    DurationGuard guard(section.max_duration, rate);
    SectionDecoded decoded;
    Chunk chunk;
    while (decoded.frames < keep && reader.next(chunk)) {
        const auto count =
            std::min(static_cast<std::int64_t>(chunk.mono.size()), keep - decoded.frames);
        guard.add(count);
        const auto n = static_cast<std::size_t>(count);
        sink(Chunk{chunk.first_frame, chunk.mono.first(n),
                   keep_channels
                       ? chunk.interleaved.first(n * static_cast<std::size_t>(info.channels))
                       : chunk.interleaved});
        decoded.frames += count;
    }
    const bool whole = decoded.frames < keep;  // decoded to the end of the stream
    if (decoded.frames == 0 && skip > 0)
        fail("--start {} is at or past the end of the song ({:.2f} s)", section.start_seconds,
             static_cast<double>(reader.position()) / rate);
    if (decoded.frames == 0)
        fail("contains no audio samples");
    decoded.damaged_packets = reader.damaged_packets();
    if (!reader.read_error().empty() && decoded.damaged_packets == 0)
        decoded.damaged_packets = 1;
    if (whole)
        decoded.declared_seconds = reader.declared_seconds();

    // One warning for a damaged file, however it shows: packets the decoder refused, or audio
    // ending well before the stated duration (a cut at a packet boundary leaves no damaged
    // packet). The tolerance covers encoder delay and padding.
    const double used_seconds = static_cast<double>(decoded.frames) / rate;
    const double stream_seconds = static_cast<double>(reader.position()) / rate;
    const double missing_seconds = decoded.declared_seconds - stream_seconds;
    if (decoded.damaged_packets > 0) {
        log::warn("{}: {} damaged or truncated packet(s) skipped; using the {:.2f} s that decoded",
                  path.string(), decoded.damaged_packets, used_seconds);
    } else if (missing_seconds > std::max(0.1, 0.01 * decoded.declared_seconds)) {
        log::warn(
            "{}: the audio ends after {:.2f} s but the file states {:.2f} s (cut short?); using "
            "the {:.2f} s that decoded",
            path.string(), stream_seconds, decoded.declared_seconds, used_seconds);
    }
    return decoded;
}

}  // namespace

std::int64_t frames_for_duration(double seconds, int sample_rate, bool audioread_path) {
    const double frames = seconds * static_cast<double>(sample_rate);
    // soundfile: int(duration * sr); audioread: int(np.round(sr * duration)), half to even.
    return static_cast<std::int64_t>(audioread_path ? std::nearbyint(frames) : frames);
}

SectionDecoded decode_section(const std::filesystem::path& path, const Section& section,
                              bool keep_channels,
                              const std::function<void(const StreamInfo&)>& begin,
                              const std::function<void(const Chunk&)>& sink) {
    try {
        return decode(path, section, keep_channels, begin, sink);
    } catch (const UsageError&) {
        throw;
    } catch (const Error& error) {
        fail("{}: {}", path.string(), error.what());
    } catch (const std::bad_alloc&) {
        fail("{}: out of memory while decoding", path.string());
    }
}

NativeAudio decode_native(const std::filesystem::path& path, std::optional<double> max_seconds,
                          bool keep_channels, double start_seconds) {
    NativeAudio audio;
    const auto decoded = decode_section(
        path, Section{start_seconds, max_seconds, std::nullopt}, keep_channels,
        [&](const StreamInfo& info) {
            audio.sample_rate = info.sample_rate;
            audio.channels = info.channels;
            audio.quantised_to_16_bits = info.quantised_to_16_bits;
            // Pages are only taken as samples arrive: an estimate on the high side costs nothing.
            const auto expected = static_cast<std::size_t>(info.expected_frames);
            audio.mono.reserve(expected + expected / 16 + 4096);
            if (keep_channels)
                audio.interleaved.reserve(audio.mono.capacity() *
                                          static_cast<std::size_t>(info.channels));
        },
        [&](const Chunk& chunk) {
            audio.mono.insert(audio.mono.end(), chunk.mono.begin(), chunk.mono.end());
            audio.interleaved.insert(audio.interleaved.end(), chunk.interleaved.begin(),
                                     chunk.interleaved.end());
        });
    audio.damaged_packets = decoded.damaged_packets;
    audio.declared_seconds = decoded.declared_seconds;
    return audio;
}

}  // namespace bgv::audio
