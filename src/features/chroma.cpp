#include "features/chroma.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "core/error.h"
#include "features/tuning.h"

namespace bgv::features {
Chromagram chroma_from_cqt(const CqtMagnitude& cqt, int bins_per_octave) {
    if (bins_per_octave % kPitchClasses != 0) {
        fail("bins_per_octave {} is not a multiple of {}", bins_per_octave, kPitchClasses);
    }
    const int merge = bins_per_octave / kPitchClasses;
    Chromagram result;
    result.frames = cqt.frames;
    std::vector<double> sums(static_cast<std::size_t>(kPitchClasses * cqt.frames), 0.0);
    // cq_to_chroma: `merge` neighbouring bins per class, centred on the class's own bin, so the
    // lowest merge / 2 bins of each octave's top class wrap round to pitch class 0.
    for (int bin = 0; bin < cqt.n_bins; ++bin) {
        const int within = bin % bins_per_octave;
        const int pitch_class = ((within + merge / 2) % bins_per_octave) / merge;
        const float* row = cqt.magnitude.data() + static_cast<std::int64_t>(bin) * cqt.frames;
        double* out = sums.data() + static_cast<std::int64_t>(pitch_class) * cqt.frames;
        for (std::int64_t t = 0; t < cqt.frames; ++t) {
            out[t] += row[t];
        }
    }
    result.chroma.assign(sums.size(), 0.0F);
    for (std::int64_t t = 0; t < cqt.frames; ++t) {
        double peak = 0;
        for (int c = 0; c < kPitchClasses; ++c) {
            peak = std::max(peak, static_cast<double>(static_cast<float>(
                                      sums[static_cast<std::size_t>(c * cqt.frames + t)])));
        }
        // util.normalize leaves frames below float32's tiny unscaled.
        const double divisor = peak < std::numeric_limits<float>::min() ? 1.0 : peak;
        for (int c = 0; c < kPitchClasses; ++c) {
            const auto at = static_cast<std::size_t>(c * cqt.frames + t);
            result.chroma[at] = static_cast<float>(static_cast<float>(sums[at]) / divisor);
        }
    }
    return result;
}

Chromagram chroma_cqt(std::span<const float> samples, int sample_rate, int hop,
                      std::optional<double> tuning, int threads, std::int64_t block_frames) {
    if (block_frames < 1) {
        fail("chroma blocks must hold at least 1 frame, not {}", block_frames);
    }
    CqtSpec spec;
    spec.n_bins = kChromaOctaves * kChromaBinsPerOctave;
    spec.bins_per_octave = kChromaBinsPerOctave;
    spec.tuning =
        tuning ? *tuning : estimate_tuning(samples, sample_rate, kChromaBinsPerOctave, threads);
    CqtBlocks cqt(samples, sample_rate, hop, spec);
    Chromagram chroma;
    chroma.frames = cqt.frames();
    chroma.tuning = spec.tuning;
    chroma.chroma.assign(static_cast<std::size_t>(kPitchClasses * chroma.frames), 0.0F);
    CqtMagnitude block;
    for (std::int64_t first = 0; first < chroma.frames; first += block_frames) {
        cqt.compute(first, std::min(chroma.frames, first + block_frames), block, threads);
        // Each frame is folded and scaled on its own, so a block's chroma is the song's there.
        const auto part = chroma_from_cqt(block, kChromaBinsPerOctave);
        for (int c = 0; c < kPitchClasses; ++c) {
            std::copy_n(part.chroma.begin() + c * part.frames, part.frames,
                        chroma.chroma.begin() + c * chroma.frames + first);
        }
    }
    return chroma;
}

std::array<int, kPitchClasses> chroma_order(const Chromagram& chroma) {
    std::array<double, kPitchClasses> means{};
    for (int c = 0; c < kPitchClasses; ++c) {
        const float* row = chroma.chroma.data() + static_cast<std::int64_t>(c) * chroma.frames;
        double sum = 0;
        for (std::int64_t t = 0; t < chroma.frames; ++t) {
            sum += row[t];
        }
        means[static_cast<std::size_t>(c)] =
            chroma.frames > 0 ? sum / static_cast<double>(chroma.frames) : 0.0;
    }
    std::array<int, kPitchClasses> order{};
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return means[static_cast<std::size_t>(a)] < means[static_cast<std::size_t>(b)];
    });
    std::reverse(order.begin(), order.end());
    return order;
}

}  // namespace bgv::features
