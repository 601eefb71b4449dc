#include "render/class_choice.h"

#include "choreo/classes.h"
#include "core/log.h"
#include "render/plan.h"
#include "render/saved_vectors.h"
#include "render/text_model.h"
#include "runtime/engine.h"
#include "text/lyrics_classes.h"

namespace bgv::render {

namespace {
struct LyricsChoice {
    std::vector<int> classes;
    std::vector<choreo::ClassCue> cues;  // timed lyrics only
};

LyricsChoice classes_from_lyrics(const RenderOptions& o, const std::optional<text::Lyrics>& lyrics,
                                 std::uint64_t seed, FrameRate rate) {
    text::LyricsClassRequest request{.lyrics_file = *o.lyrics,
                                     .lyrics = lyrics,
                                     .count = static_cast<std::size_t>(o.num_classes),
                                     .strategy = o.encoding_strategy,
                                     .seed = seed};
    const TextModel model = find_text_model(o.text_weights);
    request.model_dir = model.model_dir;
    request.class_cache_file = model.class_cache_file;
    runtime::Engine engine(o.threads);
    const auto chosen = text::classes_from_lyrics(engine, request);
    LyricsChoice choice;
    for (const auto& match : chosen.classes)
        choice.classes.push_back(match.id);
    for (const auto& cue : chosen.cues)
        choice.cues.push_back({frame_at_seconds(cue.start_seconds, rate),
                               frame_at_seconds(cue.end_seconds, rate), cue.class_id});
    if (!choice.cues.empty())
        log::info("timed lyrics: {} lines lead the class vectors while they are sung",
                  choice.cues.size());
    return choice;
}

}  // namespace

std::vector<int> choose_classes(const RenderOptions& o, const std::optional<text::Lyrics>& lyrics,
                                std::uint64_t seed, FrameRate rate,
                                const std::array<int, 12>& chromasort,
                                std::vector<choreo::ClassCue>& cues) {
    std::vector<int> classes;
    if (!o.classes.empty()) {
        classes = o.classes;
    } else if (o.lyrics) {
        auto choice = classes_from_lyrics(o, lyrics, seed, rate);
        classes = std::move(choice.classes);
        cues = std::move(choice.cues);
    } else if (o.use_last_classes) {
        classes = load_saved_classes(o.vectors_dir);
    } else {
        classes = choreo::random_classes(o.num_classes, seed);
    }
    choreo::check_classes(classes);
    if (o.sort_by_power)
        classes = choreo::sort_by_power(classes, chromasort);
    return classes;
}

}  // namespace bgv::render
