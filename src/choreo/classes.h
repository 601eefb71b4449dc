// choreo/classes: which ImageNet classes a video blends (random, given, or re-ordered by the song's
// loudest pitch classes), as the original tool chose them.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace bgv::choreo {

inline constexpr int kImageNetClasses = 1000;
inline constexpr int kPitchClasses = 12;

// `count` distinct ids in 0..999, drawn by a partial Fisher-Yates shuffle of 0..999 with
// Random(seed, kClassStream).below(1000 - i) for i = 0..count-1.
std::vector<int> random_classes(int count, std::uint64_t seed);

// --sort_by_power: classes[i] for i in argsort(chromasort[:count]), so the class given first goes
// to the lowest pitch class among the loudest `count`.
std::vector<int> sort_by_power(std::span<const int> classes,
                               const std::array<int, kPitchClasses>& chromasort);

// Throws a UsageError unless there are 1..12 ids, each in 0..999.
void check_classes(std::span<const int> classes);

}  // namespace bgv::choreo
