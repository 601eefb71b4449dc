#include "live/live_choreography.h"

#include "core/assert.h"

namespace bgv::live {

namespace {
// Live sound has no song-wide order of its pitch classes: class rank r follows pitch class r.
std::array<int, choreo::kPitchClasses> natural_order() {
    std::array<int, choreo::kPitchClasses> order{};
    for (int p = 0; p < choreo::kPitchClasses; ++p)
        order[p] = p;
    return order;
}
}  // namespace

LiveChoreography::LiveChoreography(const render::RenderOptions& options, double frames_per_second)
    : options_(options), frames_per_second_(frames_per_second) {
    BGV_ASSERT(options_.seed && !options_.classes.empty(),
               "a live choreography without seed or classes");
    build();
}

choreo::Params LiveChoreography::seed_params() const {
    choreo::Params params = options_.choreo;
    params.frames_per_second = frames_per_second_;  // the seed's constants kept in seconds
    return params;
}

void LiveChoreography::build() {
    seed_.reset();
    beat_.reset();
    if (options_.choreography == render::Choreography::beat) {
        beat_ = std::make_unique<choreo::BeatStepper>(options_.classes, options_.beat_params(),
                                                      *options_.seed, natural_order(),
                                                      frames_per_second_);
    } else {
        seed_ = std::make_unique<choreo::SeedStepper>(
            options_.classes, seed_params(), *options_.seed, natural_order(),
            std::array<float, choreo::kPitchClasses>{}, std::span<const choreo::ClassCue>{},
            choreo::ClassSmoothing::causal);
    }
}

void LiveChoreography::step(const choreo::FrameFeatures& features, std::vector<float>& z,
                            std::vector<float>& y) {
    if (beat_)
        beat_->step(features, last_);
    else
        seed_->step(features, last_);
    z.assign(last_.noise_.begin(), last_.noise_.end());
    y.assign(last_.classes_.begin(), last_.classes_.end());
}

void LiveChoreography::apply(const render::RenderOptions& changed) {
    const bool restart = changed.choreography != options_.choreography;
    const bool new_classes = changed.classes != options_.classes;
    options_ = changed;
    if (restart) {
        build();
        return;
    }
    if (beat_) {
        beat_->set_params(options_.beat_params());
        if (new_classes)
            beat_->set_classes(options_.classes);
    } else {
        seed_->set_params(seed_params());
        if (new_classes)
            seed_->set_classes(options_.classes);
    }
}

}  // namespace bgv::live
