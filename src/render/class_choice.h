// render/class_choice: a render's classes: given (--classes), chosen by the meaning of lyrics
// (with the frames each timed line leads), the previous run's (--use_last_classes) or drawn by
// the seed; ordered by the chroma's power when asked (--sort_by_power).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "choreo/vectors.h"
#include "core/frame_rate.h"
#include "render/options.h"
#include "text/lyrics.h"

namespace bgv::render {

// `lyrics`: the options' lyrics as read_render_lyrics read them (nothing: read here); `cues`
// receives the timed lines' classes, in frames at `rate`.
std::vector<int> choose_classes(const RenderOptions& options,
                                const std::optional<text::Lyrics>& lyrics, std::uint64_t seed,
                                FrameRate rate, const std::array<int, 12>& chromasort,
                                std::vector<choreo::ClassCue>& cues);

}  // namespace bgv::render
