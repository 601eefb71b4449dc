// render/options: what a render is asked for, typed (the song, the model, the choreography,
// batching), free of command-line spellings; the option table that the command line, the studio,
// run.json, the run identity and live control all read; and the one check of a whole request.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "choreo/beat.h"
#include "choreo/vectors.h"
#include "core/frame_rate.h"
#include "farm/launch.h"
#include "model/biggan/grid.h"
#include "model/biggan/precision.h"
#include "render/frame_generator.h"
#include "render/option_schema.h"
#include "text/class_selection.h"
#include "video/delivery.h"
#include "video/output_format.h"
#include "video/subtitles.h"

namespace bgv::render {

enum class Choreography { seed, beat };
enum class TextEncoding { sbert, doc2vec };  // doc2vec: the original's other choice, refused

struct RenderOptions {
    std::filesystem::path song;
    std::optional<std::filesystem::path> output;   // default: output/<song stem>.mp4
    int resolution = 512;                          // picks biggan-deep-<resolution> in the store
    std::optional<std::filesystem::path> weights;  // instead of the store
    std::optional<double> duration;                // seconds from `start`
    double start = 0;                              // seconds: the section [start, start+duration)
    std::optional<double> max_duration;            // --max_duration: refuse a longer section
    std::optional<FrameRate> fps;                  // --fps; else one frame per frame_length

    Choreography choreography = Choreography::seed;
    choreo::Params choreo;    // the seed choreography's, and truncation for both
    choreo::BeatParams beat;  // the beat choreography's (its truncation is choreo.truncation)
    int num_classes = 12;
    std::vector<int> classes;  // empty: random
    bool sort_by_power = false;
    bool use_last_vectors = false;
    bool use_last_classes = false;
    std::optional<std::filesystem::path> lyrics;  // classes by meaning (text/)
    TextEncoding encoding = TextEncoding::sbert;
    text::SelectionStrategy encoding_strategy = text::SelectionStrategy::random;
    std::optional<std::filesystem::path> text_weights;  // MiniLM folder instead of the store
    std::optional<std::uint64_t> seed;                  // drawn, printed and recorded when absent

    int batch_size = 20;
    int threads = 0;  // generator threads, 0 = all cores
    // The generator's arithmetic; bf16 runs fp32 on a CPU without it (model/biggan/precision.h).
    biggan::Precision precision = biggan::Precision::fp32;
    int segment_frames = 256;  // frames per resumable piece
    std::filesystem::path vectors_dir = "saved_vectors";

    // The frame's shape and the video's format (docs/shapes.md; render/video_settings.h resolves
    // and checks them together).
    biggan::Aspect aspect;                        // 1:1: the published network's square
    biggan::Widen widen = biggan::Widen::mirror;  // how cells beyond the square are filled
    std::optional<video::FrameSize> size;         // delivered size; none: as generated
    video::Fit fit = video::Fit::crop;            // with `size` of another aspect
    video::Codec codec = video::Codec::h264;
    std::optional<std::string> pix_fmt;  // none: the codec's default (allowed_pix_fmts)
    std::optional<int> crf;              // x264/x265 only; none: the codec's default_crf
    bool burn_subtitles = false;         // timed lyrics drawn into the picture (else a soft track)
    std::string subtitle_font = video::SubtitleStyle{}.font;
    std::optional<int> subtitle_size;  // pixels of the delivered frame; none: 1/18 of its height
    video::SubtitlePosition subtitle_position = video::SubtitlePosition::bottom;

    // The processes sharing this render (render/render_loop); one process by default.
    farm::Launch launch;

    // The beat choreography's parameters with the render's truncation.
    choreo::BeatParams beat_params() const;
};

// One row of the option table: the option and how it reads and sets its RenderOptions field.
struct RenderOption {
    OptionDef def;
    // The value, or nothing when the option is not set and has no default (duration, seed, ...).
    std::function<std::optional<OptionValue>(const RenderOptions&)> get;
    std::function<void(RenderOptions&, const OptionValue&)> set;
};

// Every render option, in --help order (the original tool's flags first).
const std::vector<RenderOption>& render_option_table();
// The row named `name`, or nothing.
const RenderOption* find_render_option(std::string_view name);

// The render `values` ask for (defaults for the rest), checked as a whole by check_options.
// --classes without --num_classes sets the number of classes; --fps with --frame_length is a
// UsageError (both set the frame rate).
RenderOptions render_options_from(const OptionValues& values);
// A client's options ({"resolution": 128, "classes": [207, 980]}) over `base` (the server's
// choices: song, output, weights): only options whose row says `client`, each typed and checked
// as option_from_json does; then the whole is checked.
RenderOptions render_options_from_json(const nlohmann::json& options, RenderOptions base);

// Options that contradict each other (two sources of classes, a class list of the wrong length,
// doc2vec, beat parameters out of range): UsageError in one line naming the options. The one
// check every way in (command line, studio, tests) goes through.
void check_options(const RenderOptions& options);

// Every option's value (null where unset), for records; with `identity_only`, only the options
// that decide the pixels (OptionDef::identity).
nlohmann::json options_json(const RenderOptions& options, bool identity_only = false);
// The options that a client may set, as GET /api/options lists them.
nlohmann::json client_options_json();
// The command line that renders `options`, with the song named `song_name` (as a shell reads it:
// quoted where needed), giving each option that differs from its default.
std::string equivalent_command_line(const RenderOptions& options, const std::string& song_name);
// A word quoted for a POSIX shell when it needs it.
std::string shell_quoted(const std::string& word);

// Makes the generator for a weights file or folder at a truncation.
using GeneratorFactory = std::function<std::unique_ptr<FrameGenerator>(
    const std::filesystem::path& weights, double truncation, int threads)>;

// The output a render writes when none is given: output/<song stem>.mp4 (.mov for ProRes, .mkv
// for FFV1: video::piece_extension).
std::filesystem::path default_output(const std::filesystem::path& song,
                                     video::Codec codec = video::Codec::h264);

std::string_view choreography_name(Choreography choreography);

}  // namespace bgv::render
