#include "features/octave_resample.h"

#include <algorithm>
#include <cmath>

#include "core/assert.h"
#include "core/error.h"

namespace bgv::features {

namespace {
// librosa.resample(y, orig_sr=factor, target_sr=1) and then scale=True: divided by sqrt(ratio).
float scale_divisor(int factor) {
    const double in_rate = factor;
    const double out_rate = 1.0;
    return static_cast<float>(std::sqrt(out_rate / in_rate));
}

// Input samples a stage feeds its resampler at a time.
constexpr std::int64_t kFeedSamples = 1 << 15;
}  // namespace

std::vector<float> downsample_soxr_hq(std::span<const float> samples, int factor) {
    if (factor < 1) {
        fail("downsampling factor must be positive, not {}", factor);
    }
    if (factor == 1) {
        return {samples.begin(), samples.end()};
    }
    std::vector<float> out = resample::resample(samples, factor, 1);
    const float divisor = scale_divisor(factor);
    for (auto& value : out) {
        value /= divisor;
    }
    return out;
}

struct OctaveChain::Stage {
    std::int64_t length = 0;
    // Stage 0: the source. Others: samples [base, base + held.size()) of the stage.
    std::span<const float> source;
    std::vector<float> held;
    std::int64_t base = 0;
    std::int64_t wanted_from = 0;  // what release still keeps
    // Made from the stage before:
    int factor = 1;
    float divisor = 1;
    std::unique_ptr<resample::StreamResampler> resampler;
    std::int64_t fed = 0;  // samples of the stage before pushed so far
    bool complete = false;
    std::vector<float> scratch;
};

OctaveChain::OctaveChain(std::span<const float> source, const std::vector<int>& factors) {
    auto first = std::make_unique<Stage>();
    first->length = static_cast<std::int64_t>(source.size());
    first->source = source;
    first->complete = true;
    stages_.push_back(std::move(first));
    for (const int factor : factors) {
        if (factor < 2)
            fail("octave downsampling factor must be at least 2, not {}", factor);
        auto stage = std::make_unique<Stage>();
        stage->factor = factor;
        stage->divisor = scale_divisor(factor);
        stage->length = resample::resampled_length(stages_.back()->length, factor, 1);
        stage->resampler = std::make_unique<resample::StreamResampler>(factor, 1);
        stages_.push_back(std::move(stage));
    }
}

OctaveChain::~OctaveChain() = default;

std::int64_t OctaveChain::length(int stage) const {
    return stages_[static_cast<std::size_t>(stage)]->length;
}

void OctaveChain::make_until(int index, std::int64_t to) {
    Stage& stage = *stages_[static_cast<std::size_t>(index)];
    const std::int64_t previous_length = length(index - 1);
    while (!stage.complete && stage.base + static_cast<std::int64_t>(stage.held.size()) < to) {
        const std::int64_t end = std::min(previous_length, stage.fed + kFeedSamples);
        const SignalWindow input = window(index - 1, stage.fed, end);
        stage.scratch.clear();
        stage.resampler->push(input.samples, stage.scratch);
        stage.fed = end;
        drop_unwanted(index - 1);
        if (stage.fed == previous_length)
            stage.resampler->flush(stage.scratch);
        // librosa's fix_length: the stage's length exactly, then the scale.
        const std::int64_t made = stage.base + static_cast<std::int64_t>(stage.held.size());
        const auto room = static_cast<std::size_t>(stage.length - made);
        const std::size_t take = std::min(room, stage.scratch.size());
        for (std::size_t i = 0; i < take; ++i)
            stage.held.push_back(stage.scratch[i] / stage.divisor);
        if (stage.fed == previous_length) {
            stage.held.resize(static_cast<std::size_t>(stage.length - stage.base), 0.0f);
            stage.complete = true;
        }
    }
}

SignalWindow OctaveChain::window(int index, std::int64_t from, std::int64_t to) {
    Stage& stage = *stages_[static_cast<std::size_t>(index)];
    to = std::min(to, stage.length);
    from = std::min(from, to);
    BGV_ASSERT(from >= stage.wanted_from, "stage {} asked for sample {} after releasing {}", index,
               from, stage.wanted_from);
    if (index == 0)
        return {stage.source.subspan(static_cast<std::size_t>(from),
                                     static_cast<std::size_t>(to - from)),
                from, stage.length};
    make_until(index, to);
    BGV_ASSERT(from >= stage.base, "stage {} no longer holds sample {}", index, from);
    return {std::span<const float>(stage.held)
                .subspan(static_cast<std::size_t>(from - stage.base),
                         static_cast<std::size_t>(to - from)),
            from, stage.length};
}

void OctaveChain::release(int index, std::int64_t from) {
    Stage& stage = *stages_[static_cast<std::size_t>(index)];
    stage.wanted_from = std::max(stage.wanted_from, from);
    drop_unwanted(index);
}

void OctaveChain::drop_unwanted(int index) {
    if (index == 0)
        return;  // the source belongs to the caller
    Stage& stage = *stages_[static_cast<std::size_t>(index)];
    std::int64_t keep_from = stage.wanted_from;
    if (index + 1 < stages())
        keep_from = std::min(keep_from, stages_[static_cast<std::size_t>(index + 1)]->fed);
    const std::int64_t drop =
        std::min(keep_from - stage.base, static_cast<std::int64_t>(stage.held.size()));
    // Dropped in big steps only, so that the copies cost nothing next to the transform.
    if (drop > 0 && drop >= static_cast<std::int64_t>(stage.held.size()) / 2) {
        stage.held.erase(stage.held.begin(), stage.held.begin() + drop);
        stage.base += drop;
    }
}

}  // namespace bgv::features
