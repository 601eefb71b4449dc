#include "core/frame_rate.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/assert.h"
#include "core/error.h"

namespace bgv {

namespace {
FrameRate reduced(std::int64_t num, std::int64_t den) {
    const std::int64_t divisor = std::gcd(num, den);
    return {num / divisor, den / divisor};
}
}  // namespace

int FrameRate::whole_hop(int sample_rate) const {
    const std::int64_t samples = static_cast<std::int64_t>(sample_rate) * den;
    return samples % num == 0 ? static_cast<int>(samples / num) : 0;
}

std::string FrameRate::text() const {
    return den == 1 ? fmt::format("{}", num) : fmt::format("{}/{}", num, den);
}

std::int64_t frame_count(std::int64_t samples, int sample_rate, FrameRate rate,
                         FrameCounting counting) {
    BGV_ASSERT(samples >= 0 && rate.num > 0 && rate.den > 0 && sample_rate > 0 &&
                   samples < std::numeric_limits<std::int64_t>::max() / rate.num / 2,
               "{} samples at {}/{} frames per second", samples, rate.num, rate.den);
    const std::int64_t numerator = samples * rate.num;
    const std::int64_t denominator = static_cast<std::int64_t>(sample_rate) * rate.den;
    return counting == FrameCounting::video ? (numerator + denominator - 1) / denominator
                                            : 1 + numerator / denominator;
}

FrameRate parse_frame_rate(std::string_view text) {
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value) || value < 1 || value > 120)
        fail_usage("--fps {}: not allowed, expected a number 1–120 (23.976 and 29.97 are NTSC)",
                   text);
    // The NTSC rates are written rounded; they mean n·1000/1001 exactly.
    for (const std::int64_t base : std::array<std::int64_t, 5>{24, 30, 48, 60, 120}) {
        const double ntsc = static_cast<double>(base) * 1000.0 / 1001.0;
        if (std::abs(value - ntsc) < 0.006)
            return reduced(base * 1000, 1001);
    }
    return reduced(std::llround(value * 1000), 1000);
}

FrameRate frame_rate_of_hop(int sample_rate, int hop) {
    return reduced(sample_rate, hop);
}

}  // namespace bgv
