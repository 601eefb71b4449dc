#include "audio/duration_limit.h"

#include <cmath>
#include <string>

#include "core/error.h"
#include "core/progress.h"

namespace bgv::audio {

void check_stated_duration(double seconds, std::optional<double> limit) {
    if (!limit || !(seconds > *limit))
        return;
    // "30:00 (1800.40 s)" where the song and the limit would otherwise read the same.
    std::string length = format_duration(seconds);
    if (length == format_duration(*limit))
        length += fmt::format(" ({:.2f} s)", seconds);
    fail("{} of audio is longer than the {} limit (--max_duration)", length,
         format_duration(*limit));
}

DurationGuard::DurationGuard(std::optional<double> limit, int sample_rate) : limit_(limit) {
    if (limit_)
        allowed_ = static_cast<std::int64_t>(std::floor(*limit_ * sample_rate));
}

void DurationGuard::add(std::int64_t frames) {
    seen_ += frames;
    if (limit_ && seen_ > allowed_)
        fail("the audio goes on past the {} limit (--max_duration)", format_duration(*limit_));
}

}  // namespace bgv::audio
