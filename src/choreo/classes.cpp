#include "choreo/classes.h"

#include <algorithm>
#include <numeric>

#include "choreo/streams.h"
#include "core/error.h"
#include "core/random.h"

namespace bgv::choreo {

std::vector<int> random_classes(int count, std::uint64_t seed) {
    if (count < 1 || count > kPitchClasses)
        fail_usage("the number of classes must be 1..12, not {}", count);
    std::vector<int> ids(kImageNetClasses);
    std::iota(ids.begin(), ids.end(), 0);
    Random rng(seed, kClassStream);
    for (int i = 0; i < count; ++i) {
        const auto j =
            i + static_cast<int>(rng.below(static_cast<std::uint64_t>(kImageNetClasses - i)));
        std::swap(ids[i], ids[j]);
    }
    ids.resize(count);
    return ids;
}

std::vector<int> sort_by_power(std::span<const int> classes,
                               const std::array<int, kPitchClasses>& chromasort) {
    const auto count = classes.size();
    std::vector<std::size_t> order(count);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return chromasort[a] < chromasort[b]; });
    std::vector<int> sorted;
    sorted.reserve(count);
    for (const auto i : order)
        sorted.push_back(classes[i]);
    return sorted;
}

void check_classes(std::span<const int> classes) {
    if (classes.empty() || classes.size() > kPitchClasses)
        fail_usage("between 1 and 12 classes are needed, not {}", classes.size());
    for (const int id : classes) {
        if (id < 0 || id >= kImageNetClasses)
            fail_usage("class id {} is not an ImageNet class (0..999)", id);
    }
}

}  // namespace bgv::choreo
