// `bigganviz classes --lyrics FILE`: the ImageNet classes a lyrics file picks, with their
// similarities, and for timed lyrics (LRC, SRT) which class each line brings to the front.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "cli/commands.h"
#include "core/error.h"
#include "core/log.h"
#include "render/text_model.h"
#include "runtime/engine.h"
#include "text/class_names.h"
#include "text/lyrics_classes.h"

namespace bgv::cli {

namespace {

std::string clock_text(double seconds) {
    const auto total_centis = static_cast<long long>(std::llround(seconds * 100));
    return fmt::format("{:02}:{:02}.{:02}", total_centis / 6000, (total_centis / 100) % 60,
                       total_centis % 100);
}

nlohmann::json as_json(const text::LyricsClasses& result, const std::string& strategy,
                       std::uint64_t seed) {
    const auto& names = text::imagenet_class_names();
    nlohmann::json out;
    out["format"] = std::string(text::format_name(result.lyrics.format));
    out["strategy"] = strategy;
    out["seed"] = seed;
    out["best_of_a_line"] = result.best_of_a_line;
    out["classes"] = nlohmann::json::array();
    for (const auto& match : result.classes) {
        out["classes"].push_back({{"id", match.id},
                                  {"name", names.at(static_cast<std::size_t>(match.id))},
                                  {"similarity", match.similarity}});
    }
    if (result.lyrics.timed()) {
        out["lines"] = nlohmann::json::array();
        for (const auto& cue : result.cues) {
            out["lines"].push_back(
                {{"start", cue.start_seconds},
                 {"end", std::isfinite(cue.end_seconds) ? nlohmann::json(cue.end_seconds)
                                                        : nlohmann::json(nullptr)},
                 {"class", cue.class_id},
                 {"name", names.at(static_cast<std::size_t>(cue.class_id))},
                 {"similarity", cue.similarity},
                 {"text", cue.text}});
        }
    }
    return out;
}

void print_text(const text::LyricsClasses& result) {
    const auto& names = text::imagenet_class_names();
    fmt::print("{:>4}  {:>10}  {}\n", "id", "similarity", "name");
    for (std::size_t k = 0; k < result.classes.size(); ++k) {
        const auto& match = result.classes[k];
        fmt::print("{:>4}  {:>10.3f}  {}{}\n", match.id, match.similarity,
                   names.at(static_cast<std::size_t>(match.id)),
                   k >= result.best_of_a_line ? "  (filled: no line's best match)" : "");
    }
    if (!result.cues.empty()) {
        fmt::print("\n{:>8}  {:>4}  {:<24}  {}\n", "start", "id", "class", "line");
        for (const auto& cue : result.cues) {
            fmt::print("{:>8}  {:>4}  {:<24}  {}\n", clock_text(cue.start_seconds), cue.class_id,
                       names.at(static_cast<std::size_t>(cue.class_id)), cue.text);
        }
    }
}

}  // namespace

int run_classes(const Args& args) {
    if (!args.has("lyrics"))
        fail_usage("classes needs --lyrics FILE (plain text, LRC or SRT)");
    if (args.text("encoding") != "sbert")
        fail_usage("--encoding {} is not supported; only sbert (all-MiniLM-L6-v2) is",
                   args.text("encoding"));
    const std::string strategy = args.text("encoding_strategy");
    std::uint64_t seed = 0;
    if (args.has("seed")) {
        seed = static_cast<std::uint64_t>(args.integer("seed"));
    } else {
        seed = std::random_device{}() & ((std::uint64_t{1} << 31) - 1);
        if (strategy == "random")
            log::info("seed {} (pass --seed {} to draw the same classes again)", seed, seed);
    }

    text::LyricsClassRequest request{.lyrics_file = args.text("lyrics"),
                                     .count = static_cast<std::size_t>(args.integer("num_classes")),
                                     .strategy = text::parse_strategy(strategy),
                                     .seed = seed};
    // Read the lyrics before the model, so that a bad lyrics file fails fast and offline.
    request.lyrics = text::read_lyrics_file(request.lyrics_file);
    const auto text_weights = args.optional_text("text_weights");
    const render::TextModel model = render::find_text_model(
        text_weights ? std::optional<std::filesystem::path>(*text_weights) : std::nullopt);
    request.model_dir = model.model_dir;
    request.class_cache_file = model.class_cache_file;

    runtime::Engine engine(static_cast<int>(args.integer("threads")));
    const text::LyricsClasses result = text::classes_from_lyrics(engine, request);
    if (args.flag("json"))
        fmt::print("{}\n", as_json(result, strategy, seed).dump(2));
    else
        print_text(result);
    return 0;
}

}  // namespace bgv::cli
