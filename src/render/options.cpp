#include "render/options.h"

#include <algorithm>

#include "choreo/classes.h"
#include "core/error.h"
#include "core/log.h"
#include "text/lyrics.h"

namespace bgv::render {

std::filesystem::path default_output(const std::filesystem::path& song) {
    return std::filesystem::path("output") / (song.stem().string() + ".mp4");
}

void check_options(const RenderOptions& o) {
    const int class_sources = !o.classes.empty() + o.lyrics.has_value() + o.use_last_classes;
    if (class_sources > 1)
        fail_usage("the classes are chosen twice: give a class list, lyrics or the last classes");
    if (!o.classes.empty() && static_cast<int>(o.classes.size()) != o.num_classes)
        fail_usage("a class list of {} classes for a render of {} classes", o.classes.size(),
                   o.num_classes);
    if (o.use_last_vectors && class_sources > 0)
        fail_usage("the saved vectors carry their classes: no other class choice can apply");
    if (o.segment_frames < 1 || o.batch_size < 1)
        fail_usage("batch size and frames per piece must be at least 1");
    choreo::check_classes(o.classes.empty() ? std::vector<int>{0} : o.classes);
    if (o.choreography != "seed" && o.choreography != "beat")
        fail_usage("no choreography named '{}': seed or beat", o.choreography);
    if (o.choreography == "beat")
        choreo::check_beat_params(o.beat);
    if (o.lyrics) {
        // A bad lyrics file fails at once, before the model store or the song are touched. Its
        // warnings are said when the plan reads it for the classes, once, not here too.
        const log::Level level = log::level();
        log::set_level(std::max(level, log::Level::error));
        try {
            with_context(o.lyrics->string(), [&] { text::read_lyrics_file(*o.lyrics); });
        } catch (...) {
            log::set_level(level);
            throw;
        }
        log::set_level(level);
    }
}

}  // namespace bgv::render
