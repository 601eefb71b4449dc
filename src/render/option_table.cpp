// The render option table: every option a render takes, the original tool's flags first (with
// their names, ranges and defaults as its users know them), each bound to its RenderOptions field.
// Defaults shown by --help and the studio are those of a default-constructed RenderOptions.
#include <fmt/format.h>

#include "core/error.h"
#include "render/option_rows.h"
#include "render/options.h"

namespace bgv::render {

namespace {

using T = OptionType;
using namespace rows;

OptionDef original(OptionDef def) {
    def.original_tool = true;
    return def;
}

// Rows are grouped as the studio and --help show them.
constexpr const char* kSong = "song";
constexpr const char* kClasses = "classes";
constexpr const char* kMotion = "motion";
constexpr const char* kBeat = "beat";
constexpr const char* kVideo = "video";
constexpr const char* kWork = "work";

std::vector<RenderOption> make_table() {
    std::vector<RenderOption> rows;
    // --- the original tool's flags (docs/original-tool.md) ---
    rows.push_back(
        path_row<&RenderOptions::song>(original({.name = "song",
                                                 .metavar = "FILE",
                                                 .help = "input audio file (anything FFmpeg reads)",
                                                 .group = kSong,
                                                 .client = false})));
    rows.push_back(integer_row<&RenderOptions::resolution>(
        original({.name = "resolution",
                  .type = T::integer,
                  .metavar = "R",
                  .choices = {"128", "256", "512"},
                  .help = "output size; picks biggan-deep-128/256/512",
                  .group = kVideo,
                  .identity = true})));
    rows.push_back(
        {original({.name = "duration",
                   .type = T::number,
                   .metavar = "SECONDS",
                   .min = 0.01,
                   .max = 86400,
                   .help = "use only the first SECONDS of the song (default: all of it)",
                   .group = kSong,
                   .identity = true}),
         [](const RenderOptions& o) -> std::optional<OptionValue> {
             if (!o.duration)
                 return std::nullopt;
             return *o.duration;
         },
         [](RenderOptions& o, const OptionValue& v) { o.duration = std::get<double>(v); }});
    rows.push_back(integer_row<&RenderOptions::choreo, &choreo::Params::pitch_sensitivity>(
        original({.name = "pitch_sensitivity",
                  .type = T::integer,
                  .metavar = "N",
                  .min = 200,
                  .max = 295,
                  .help = "how fast class weights follow pitch",
                  .group = kMotion,
                  .live = true,
                  .identity = true})));
    rows.push_back(number_row<&RenderOptions::choreo, &choreo::Params::tempo_sensitivity>(
        original({.name = "tempo_sensitivity",
                  .type = T::number,
                  .metavar = "X",
                  .min = 0.05,
                  .max = 0.8,
                  .help = "how far the noise vector moves with loudness",
                  .group = kMotion,
                  .live = true,
                  .identity = true})));
    rows.push_back({original({.name = "classes",
                              .type = T::integer_list,
                              .metavar = "ID",
                              .min = 0,
                              .max = 999,
                              .max_items = 12,
                              .help = "ImageNet class ids, exactly num_classes of them (default: "
                                      "random)",
                              .group = kClasses,
                              .live = true,
                              .identity = true}),
                    [](const RenderOptions& o) -> std::optional<OptionValue> {
                        if (o.classes.empty())
                            return std::nullopt;
                        return std::vector<std::int64_t>(o.classes.begin(), o.classes.end());
                    },
                    [](RenderOptions& o, const OptionValue& v) {
                        const auto& list = std::get<std::vector<std::int64_t>>(v);
                        o.classes.assign(list.begin(), list.end());
                    }});
    rows.push_back(integer_row<&RenderOptions::num_classes>(original({.name = "num_classes",
                                                                      .type = T::integer,
                                                                      .metavar = "N",
                                                                      .min = 1,
                                                                      .max = 12,
                                                                      .help = "number of classes",
                                                                      .group = kClasses,
                                                                      .identity = true})));
    rows.push_back(number_row<&RenderOptions::choreo, &choreo::Params::jitter>(
        original({.name = "jitter",
                  .type = T::number,
                  .metavar = "X",
                  .min = 0,
                  .max = 1,
                  .help = "damps about half the noise units, re-drawn every 200 frames",
                  .group = kMotion,
                  .live = true,
                  .identity = true})));
    rows.push_back(integer_row<&RenderOptions::choreo, &choreo::Params::frame_length>(
        original({.name = "frame_length",
                  .type = T::integer,
                  .metavar = "N",
                  .min = 64,
                  .max = 16384,
                  .multiple_of = 64,
                  .help = "audio samples (at 22050 Hz) per video frame",
                  .group = kVideo,
                  .identity = true})));
    rows.push_back(number_row<&RenderOptions::choreo, &choreo::Params::truncation>(
        original({.name = "truncation",
                  .type = T::number,
                  .metavar = "X",
                  .min = 0.1,
                  .max = 1,
                  .help = "BigGAN truncation",
                  .group = kMotion,
                  .live = true,
                  .identity = true})));
    rows.push_back(integer_row<&RenderOptions::choreo, &choreo::Params::smooth_factor>(
        original({.name = "smooth_factor",
                  .type = T::integer,
                  .metavar = "N",
                  .min = 10,
                  .max = 30,
                  .help = "frames over which class vectors are interpolated",
                  .group = kMotion,
                  .live = true,
                  .identity = true})));
    rows.push_back(integer_row<&RenderOptions::batch_size>(original({.name = "batch_size",
                                                                     .type = T::integer,
                                                                     .metavar = "N",
                                                                     .min = 1,
                                                                     .max = 256,
                                                                     .help = "generator batch",
                                                                     .group = kWork,
                                                                     .identity = true})));
    rows.push_back(path_row<&RenderOptions::output>(
        original({.name = "output_file",
                  .metavar = "FILE",
                  .default_text = "output/<song>.mp4 (.mov: prores, .mkv: ffv1)",
                  .help = "output video",
                  .group = kVideo,
                  .client = false})));
    rows.push_back(flag_row<&RenderOptions::use_last_vectors>(original(
        {.name = "use_last_vectors",
         .help = "reuse the vectors in saved_vectors/ (also those the original tool wrote)",
         .group = kClasses,
         .client = false,
         .identity = true})));
    rows.push_back(flag_row<&RenderOptions::use_last_classes>(
        original({.name = "use_last_classes",
                  .help = "reuse the previous run's classes",
                  .group = kClasses,
                  .client = false,
                  .identity = true})));
    rows.push_back(flag_row<&RenderOptions::sort_by_power>(
        original({.name = "sort_by_power",
                  .help = "give the loudest pitch classes to the classes in their given order",
                  .group = kClasses,
                  .identity = true})));
    rows.push_back(path_row<&RenderOptions::lyrics>(
        original({.name = "lyrics",
                  .metavar = "FILE",
                  .help = "choose classes by meaning from a lyrics file (plain, LRC or SRT)",
                  .group = kClasses,
                  .client = false})));
    rows.push_back(enum_row<&RenderOptions::encoding>(
        original({.name = "encoding",
                  .metavar = "NAME",
                  .choices = {"sbert", "doc2vec"},
                  .help = "sentence embedding (sbert = all-MiniLM-L6-v2; doc2vec is not supported)",
                  .group = kClasses})));
    rows.push_back(enum_row<&RenderOptions::encoding_strategy>(
        original({.name = "encoding_strategy",
                  .metavar = "NAME",
                  .choices = {"best", "random"},
                  .help = "how classes are picked from per-line matches",
                  .group = kClasses,
                  .identity = true})));

    // --- bigganviz's own options ---
    rows.push_back({{.name = "fps",
                     .type = T::number,
                     .metavar = "F",
                     .min = 1,
                     .max = 120,
                     .help = "video frames per second, exactly (23.976 and 29.97 are NTSC's "
                             "24000/1001 and 30000/1001); instead of -fl",
                     .group = kVideo,
                     .identity = true},
                    [](const RenderOptions& o) -> std::optional<OptionValue> {
                        if (!o.fps)
                            return std::nullopt;
                        return o.fps->per_second();
                    },
                    [](RenderOptions& o, const OptionValue& v) {
                        o.fps = parse_frame_rate(fmt::format("{}", std::get<double>(v)));
                    }});
    rows.push_back(number_row<&RenderOptions::start>(
        {.name = "start",
         .type = T::number,
         .metavar = "SECONDS",
         .min = 0,
         .max = 86400,
         .help = "render the section from SECONDS on (with -d, [start, start + duration))",
         .group = kSong,
         .identity = true}));
    rows.push_back(
        {{.name = "max_duration",
          .type = T::number,
          .metavar = "SECONDS",
          .min = 1,
          .max = 864000,
          .help = "refuse audio longer than SECONDS (the section --start and -d choose), "
                  "read from the file's header before decoding (default: no limit; "
                  "the studio: 1800)",
          .group = kSong,
          .client = false},
         [](const RenderOptions& o) -> std::optional<OptionValue> {
             if (!o.max_duration)
                 return std::nullopt;
             return *o.max_duration;
         },
         [](RenderOptions& o, const OptionValue& v) { o.max_duration = std::get<double>(v); }});
    rows.push_back(enum_row<&RenderOptions::choreography>(
        {.name = "choreography",
         .metavar = "NAME",
         .choices = {"seed", "beat"},
         .help = "seed: the original tool's motion; beat: drums kick the picture, harmony drifts "
                 "it (docs/choreography.md)",
         .group = kMotion,
         .live = true,
         .identity = true}));
    rows.push_back(number_row<&RenderOptions::beat, &choreo::BeatParams::pulse>(
        {.name = "pulse",
         .type = T::number,
         .metavar = "X",
         .min = 0,
         .max = 1,
         .help = "beat: how hard the tracked beats kick the noise vector",
         .group = kBeat,
         .live = true,
         .identity = true}));
    rows.push_back(number_row<&RenderOptions::beat, &choreo::BeatParams::offbeat>(
        {.name = "offbeat",
         .type = T::number,
         .metavar = "X",
         .min = 0,
         .max = 1,
         .help = "beat: how hard an onset between beats kicks, against a tracked beat's kick",
         .group = kBeat,
         .live = true,
         .identity = true}));
    rows.push_back(number_row<&RenderOptions::beat, &choreo::BeatParams::pulse_decay>(
        {.name = "pulse_decay",
         .type = T::number,
         .metavar = "SECONDS",
         .min = 0.01,
         .max = 10,
         .help = "beat: time for a kick to fade to 1/e",
         .group = kBeat,
         .live = true,
         .identity = true}));
    rows.push_back(number_row<&RenderOptions::beat, &choreo::BeatParams::motion>(
        {.name = "motion",
         .type = T::number,
         .metavar = "X",
         .min = 0,
         .max = 1,
         .help = "beat: how fast harmonic energy drifts the noise vector",
         .group = kBeat,
         .live = true,
         .identity = true}));
    rows.push_back(number_row<&RenderOptions::beat, &choreo::BeatParams::class_smooth>(
        {.name = "class_smooth",
         .type = T::number,
         .metavar = "SECONDS",
         .min = 0,
         .max = 60,
         .help = "beat: time constant over which class weights follow the harmonic chroma",
         .group = kBeat,
         .live = true,
         .identity = true}));
    rows.push_back(integer_row<&RenderOptions::beat, &choreo::BeatParams::shuffle_bars>(
        {.name = "shuffle_bars",
         .type = T::integer,
         .metavar = "N",
         .min = 1,
         .max = 10000,
         .help = "beat: the class order rotates every N bars (4 tracked beats each)",
         .group = kBeat,
         .live = true,
         .identity = true}));
    rows.push_back({{.name = "seed",
                     .type = T::integer,
                     .metavar = "N",
                     .min = 0,
                     .max = 9007199254740991.0,
                     .help = "seed for every random draw (default: drawn, printed and recorded)",
                     .group = kClasses,
                     .identity = true},
                    [](const RenderOptions& o) -> std::optional<OptionValue> {
                        if (!o.seed)
                            return std::nullopt;
                        return static_cast<std::int64_t>(*o.seed);
                    },
                    [](RenderOptions& o, const OptionValue& v) {
                        o.seed = static_cast<std::uint64_t>(std::get<std::int64_t>(v));
                    }});
    rows.push_back(path_row<&RenderOptions::weights>(
        {.name = "weights",
         .metavar = "PATH",
         .help = "checkpoint file, or a folder holding one and config.json (instead of -r)",
         .group = kWork,
         .client = false}));
    rows.push_back(path_row<&RenderOptions::text_weights>(
        {.name = "text_weights",
         .metavar = "DIR",
         .help = "MiniLM folder (config.json, vocab.txt, model.safetensors)",
         .group = kWork,
         .client = false}));
    rows.push_back(integer_row<&RenderOptions::threads>({.name = "threads",
                                                         .type = T::integer,
                                                         .metavar = "N",
                                                         .min = 0,
                                                         .max = 1024,
                                                         .help = "CPU threads (0 = all cores)",
                                                         .group = kWork,
                                                         .client = false}));
    rows.push_back(enum_row<&RenderOptions::precision>(
        {.name = "precision",
         .metavar = "P",
         .choices = {"fp32", "bf16"},  // biggan::Precision's order
         .help = "generator arithmetic: fp32, or bf16 convolutions where the CPU has bfloat16 "
                 "(faster, slightly different pixels: docs/biggan-deep.md)",
         .group = kWork,
         .identity = true}));
    add_video_rows(rows);
    rows.push_back(integer_row<&RenderOptions::segment_frames>(
        {.name = "segment_frames",
         .type = T::integer,
         .metavar = "N",
         .min = 1,
         .max = 100000,
         .help = "frames per resumable piece of video (an interrupted render loses at most this)",
         .group = kWork,
         .identity = true}));

    // Defaults are what a default-constructed RenderOptions holds.
    const RenderOptions defaults;
    for (auto& row : rows) {
        if (row.def.default_text.empty() && row.def.type != T::flag) {
            if (const auto value = row.get(defaults))
                row.def.default_text = fmt::format("{}", fmt::join(option_words(*value), " "));
        }
    }
    return rows;
}

}  // namespace

const std::vector<RenderOption>& render_option_table() {
    static const std::vector<RenderOption> table = make_table();
    return table;
}

const RenderOption* find_render_option(std::string_view name) {
    for (const auto& row : render_option_table()) {
        if (row.def.name == name)
            return &row;
    }
    return nullptr;
}

}  // namespace bgv::render
