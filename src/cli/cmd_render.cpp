// bigganviz render (the default command): the original tool's command line, made resumable.
#include "choreo/checks.h"
#include "cli/commands.h"
#include "core/error.h"
#include "core/json.h"
#include "render/biggan_frames.h"
#include "render/renderer.h"
#include "render/saved_vectors.h"

namespace bgv::cli {

namespace {
// --use_last_classes: a damaged run record fails at once, in one line and with exit code 1 (a bad
// file, not a bad command line), before the song or the model are loaded.
void check_saved_classes(const std::filesystem::path& vectors_dir) {
    const std::filesystem::path record = vectors_dir / render::kSavedRecordFile;
    if (!std::filesystem::exists(record))
        return;  // the saved vectors alone tell the classes; render reads them
    with_context(record.string(), [&] { choreo::classes_of_record(read_json_file(record)); });
}
}  // namespace

int run_render(const Args& args) {
    render::RenderOptions o;
    o.song = args.text("song");
    if (args.has("output_file"))
        o.output = args.text("output_file");
    o.resolution = static_cast<int>(args.integer("resolution"));
    if (args.has("weights"))
        o.weights = args.text("weights");
    if (args.has("duration"))
        o.duration = args.number("duration");
    o.choreo.pitch_sensitivity = static_cast<int>(args.integer("pitch_sensitivity"));
    o.choreo.tempo_sensitivity = args.number("tempo_sensitivity");
    o.choreo.jitter = args.number("jitter");
    o.choreo.frame_length = static_cast<int>(args.integer("frame_length"));
    o.choreo.truncation = args.number("truncation");
    o.choreo.smooth_factor = static_cast<int>(args.integer("smooth_factor"));
    if (args.has("classes")) {
        for (const auto id : args.integers("classes"))
            o.classes.push_back(static_cast<int>(id));
    }
    // -c alone says how many classes there are; -c with a different -n is a contradiction.
    o.num_classes = args.has("num_classes") || o.classes.empty()
                        ? static_cast<int>(args.integer("num_classes"))
                        : static_cast<int>(o.classes.size());
    o.sort_by_power = args.flag("sort_by_power");
    o.use_last_vectors = args.flag("use_last_vectors");
    o.use_last_classes = args.flag("use_last_classes");
    if (args.has("lyrics"))
        o.lyrics = args.text("lyrics");
    o.encoding_strategy = args.text("encoding_strategy");
    if (args.has("text_weights"))
        o.text_weights = args.text("text_weights");
    if (args.text("encoding") == "doc2vec")
        fail_usage("-e doc2vec is not supported: use -e sbert (all-MiniLM-L6-v2)");
    if (args.has("seed"))
        o.seed = static_cast<std::uint64_t>(args.integer("seed"));
    o.batch_size = static_cast<int>(args.integer("batch_size"));
    o.threads = static_cast<int>(args.integer("threads"));
    o.segment_frames = static_cast<int>(args.integer("segment_frames"));
    o.crf = static_cast<int>(args.integer("crf"));
    if (o.use_last_classes)
        check_saved_classes(o.vectors_dir);
    render::render(o, render::load_biggan_frames);
    return 0;
}

}  // namespace bgv::cli
