// choreo/streams: the Random streams of one seed, one per kind of draw, so that giving the classes
// by hand (or reusing them) leaves the noise and jitter of the same seed unchanged.
#pragma once

#include <cstdint>

namespace bgv::choreo {

inline constexpr std::uint64_t kClassStream = 1;
inline constexpr std::uint64_t kNoiseStream = 2;
inline constexpr std::uint64_t kJitterStream = 3;

}  // namespace bgv::choreo
