#include "cli/studio_toolkit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "cli/commands.h"
#include "cli/feature_plot.h"
#include "core/error.h"
#include "image/png.h"

namespace bgv::cli {

using nlohmann::json;

namespace {

const char* kind_name(ValueKind kind) {
    switch (kind) {
        case ValueKind::flag:
            return "flag";
        case ValueKind::integer:
            return "integer";
        case ValueKind::number:
            return "number";
        case ValueKind::text:
            return "text";
        case ValueKind::integer_list:
            return "integer_list";
        case ValueKind::number_list:
            return "number_list";
        case ValueKind::choice:
            return "choice";
    }
    return "text";
}

json bound(double value) {
    return std::isfinite(value) ? json(value) : json(nullptr);
}

bool for_clients(const std::string& key) {
    const auto& server_only = studio::server_only_options();
    return std::find(server_only.begin(), server_only.end(), key) == server_only.end();
}

// A JSON value as the command line word it stands for.
std::string word_of(const std::string& key, const json& value) {
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_number_integer() || value.is_number_unsigned())
        return value.dump();
    if (value.is_number_float())
        return fmt::format("{}", value.get<double>());
    fail_usage("\"{}\": {} is not a value this option takes", key, value.dump());
}
}  // namespace

json studio_options_json() {
    json options = json::array();
    for (const auto& key : command_named("render").options) {
        if (!for_clients(key))
            continue;
        const OptionSpec& spec = option_spec(key);
        options.push_back({{"name", spec.key},
                           {"flags", spec.spellings},
                           {"kind", kind_name(spec.kind)},
                           {"metavar", spec.metavar},
                           {"default", spec.default_text},
                           {"min", bound(spec.min)},
                           {"max", bound(spec.max)},
                           {"multiple_of", spec.multiple_of},
                           {"choices", spec.choices},
                           {"help", spec.help}});
    }
    return {{"command", "render"}, {"options", options}};
}

studio::RenderRequest render_request_from_json(const json& options) {
    if (!options.is_object())
        fail_usage("options must be an object of long option names");
    const Command& render = command_named("render");
    std::vector<std::string> arguments;
    for (const auto& [key, value] : options.items()) {
        const bool known =
            std::find(render.options.begin(), render.options.end(), key) != render.options.end();
        if (!known || !for_clients(key))
            fail_usage("\"{}\" is not a render option a request may set (see GET /api/options)",
                       key);
        const OptionSpec& spec = option_spec(key);
        const std::string flag = "--" + key;
        if (spec.kind == ValueKind::flag) {
            if (!value.is_boolean())
                fail_usage("\"{}\": expected true or false, got {}", key, value.dump());
            if (value.get<bool>())
                arguments.push_back(flag);
        } else if (spec.kind == ValueKind::integer_list || spec.kind == ValueKind::number_list) {
            const json list = value.is_array() ? value : json::array({value});
            if (list.empty())
                continue;  // no classes given: random, as on the command line
            arguments.push_back(flag);
            for (const auto& item : list)
                arguments.push_back(word_of(key, item));
        } else if (!value.is_null()) {
            arguments.push_back(flag + "=" + word_of(key, value));
        }
    }
    // The song is the studio's to give (it replaces this one); the command line requires one.
    std::vector<std::string> with_song = arguments;
    with_song.push_back("--song=studio-song");
    const Args args = parse_args(with_song, render.options, render.name);
    return {render_options_from_args(args), arguments};
}

studio::Toolkit make_studio_toolkit() {
    studio::Toolkit toolkit;
    toolkit.options = studio_options_json();
    toolkit.read_render_options = render_request_from_json;
    toolkit.features_png = [](const features::Features& f, const features::Rhythm& rhythm) {
        const FeaturePlotData plot{.frames = f.frames,
                                   .frames_per_second = static_cast<double>(f.sample_rate) / f.hop,
                                   .chroma = f.chroma,
                                   .spec_mean = f.spec_mean,
                                   .grad_mean = f.grad_mean,
                                   .chromasort = f.chromasort,
                                   .tuning = f.tuning,
                                   .beats = rhythm.beats,
                                   .percussive = rhythm.onset_env_percussive,
                                   .harmonic = rhythm.rms_h};
        return image::encode_png(draw_feature_plot(plot));
    };
    toolkit.rgb_png = [](std::span<const std::uint8_t> rgb, int width, int height) {
        return image::encode_png_rgb(rgb, width, height);
    };
    return toolkit;
}

}  // namespace bgv::cli
