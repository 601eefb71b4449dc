// audio/duration_limit: the longest section of audio a command accepts (--max_duration), refused
// from the container's stated duration before decoding, or as samples arrive where it states none.
#pragma once

#include <cstdint>
#include <optional>

namespace bgv::audio {

// Throws bgv::Error "10:00:00 of audio is longer than the 30:00 limit (--max_duration)" when a
// section of `seconds` exceeds `limit`; nothing without a limit. (The decoder adds the file name.)
void check_stated_duration(double seconds, std::optional<double> limit);

// Counts the frames a decode keeps and throws "the audio goes on past the 30:00 limit
// (--max_duration)" as soon as they exceed the limit.
class DurationGuard {
  public:
    DurationGuard(std::optional<double> limit, int sample_rate);
    void add(std::int64_t frames);

  private:
    std::optional<double> limit_;
    std::int64_t allowed_ = 0;
    std::int64_t seen_ = 0;
};

}  // namespace bgv::audio
