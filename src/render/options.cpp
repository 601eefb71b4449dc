#include "render/options.h"

#include <fmt/format.h>

#include <algorithm>

#include "choreo/classes.h"
#include "core/assert.h"
#include "core/error.h"
#include "render/video_settings.h"

namespace bgv::render {

using nlohmann::json;

namespace {
const RenderOption& row_named(std::string_view name) {
    const RenderOption* row = find_render_option(name);
    BGV_ASSERT(row != nullptr, "no render option named {}", name);
    return *row;
}

bool beat_only(const OptionDef& def) {
    return def.group == "beat";
}
}  // namespace

choreo::BeatParams RenderOptions::beat_params() const {
    choreo::BeatParams params = beat;
    params.truncation = choreo.truncation;
    return params;
}

std::string_view choreography_name(Choreography choreography) {
    return choreography == Choreography::beat ? "beat" : "seed";
}

std::filesystem::path default_output(const std::filesystem::path& song, video::Codec codec) {
    return std::filesystem::path("output") /
           (song.stem().string() + std::string(video::piece_extension(codec)));
}

RenderOptions render_options_from(const OptionValues& values) {
    if (values.contains("fps") && values.contains("frame_length"))
        fail_usage("--frame_length and --fps both set the frame rate: give one of them");
    RenderOptions o;
    for (const auto& [name, value] : values)
        row_named(name).set(o, value);
    // --classes alone says how many classes there are; with another --num_classes it is a
    // contradiction (check_options).
    if (!o.classes.empty() && !values.contains("num_classes"))
        o.num_classes = static_cast<int>(o.classes.size());
    check_options(o);
    return o;
}

RenderOptions render_options_from_json(const json& options, RenderOptions base) {
    if (!options.is_object())
        fail_usage("options must be an object of option names (see GET /api/options)");
    OptionValues values;
    for (const auto& [name, value] : options.items()) {
        const RenderOption* row = find_render_option(name);
        if (row == nullptr || !row->def.client)
            fail_usage("\"{}\" is not a render option a request may set (see GET /api/options)",
                       name);
        if (value.is_null())
            continue;
        if (row->def.type == OptionType::integer_list && value.is_array() && value.empty())
            continue;  // no classes given: random, as on the command line
        values.emplace(name, option_from_json(row->def, value));
    }
    if (values.contains("fps") && values.contains("frame_length"))
        fail_usage("\"frame_length\" and \"fps\" both set the frame rate: give one of them");
    for (const auto& [name, value] : values)
        row_named(name).set(base, value);
    if (!base.classes.empty() && !values.contains("num_classes"))
        base.num_classes = static_cast<int>(base.classes.size());
    check_options(base);
    return base;
}

void check_options(const RenderOptions& o) {
    if (!o.classes.empty() && o.lyrics)
        fail_usage("--classes and --lyrics both choose the classes: give one of them");
    if (!o.classes.empty() && o.use_last_classes)
        fail_usage("--classes and --use_last_classes both choose the classes: give one of them");
    if (o.lyrics && o.use_last_classes)
        fail_usage("--lyrics and --use_last_classes both choose the classes: give one of them");
    if (!o.classes.empty() && static_cast<int>(o.classes.size()) != o.num_classes)
        fail_usage("--classes lists {} classes but --num_classes is {}: they must agree",
                   o.classes.size(), o.num_classes);
    if (o.use_last_vectors && (!o.classes.empty() || o.lyrics || o.use_last_classes))
        fail_usage(
            "--use_last_vectors reuses the saved class vectors: --classes, --lyrics and "
            "--use_last_classes would be ignored");
    if (o.encoding == TextEncoding::doc2vec)
        fail_usage("--encoding doc2vec is not supported: use --encoding sbert (all-MiniLM-L6-v2)");
    // Every field against its row's range: options built in code (tests, the studio's base)
    // meet the same bounds as typed ones.
    for (const auto& row : render_option_table()) {
        if (const auto value = row.get(o))
            check_option_value(row.def, *value, "--" + row.def.name);
    }
    check_video_options(o);
}

json options_json(const RenderOptions& o, bool identity_only) {
    json out = json::object();
    for (const auto& row : render_option_table()) {
        if (identity_only &&
            (!row.def.identity || (beat_only(row.def) && o.choreography != Choreography::beat)))
            continue;
        const auto value = row.get(o);
        out[row.def.name] = value ? option_json(*value) : json(nullptr);
    }
    return out;
}

json client_options_json() {
    json options = json::array();
    for (const auto& row : render_option_table()) {
        if (row.def.client)
            options.push_back(option_def_json(row.def));
    }
    return {{"command", "render"}, {"options", options}};
}

std::string shell_quoted(const std::string& word) {
    if (!word.empty() &&
        word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789-_./=:+,") == std::string::npos)
        return word;
    std::string text = "'";
    for (const char c : word) {
        if (c == '\'')
            text.append("'\\''");
        else
            text.push_back(c);
    }
    text.push_back('\'');
    return text;
}

std::string equivalent_command_line(const RenderOptions& o, const std::string& song_name) {
    const RenderOptions defaults;
    std::vector<std::string> words = {"bigganviz", "--song", song_name};
    for (const auto& row : render_option_table()) {
        if (row.def.name == "song")
            continue;
        const auto value = row.get(o);
        if (!value || value == row.get(defaults))
            continue;
        words.push_back("--" + row.def.name);
        for (auto& word : option_words(*value))
            words.push_back(std::move(word));
    }
    std::string line;
    for (const auto& word : words)
        line += (line.empty() ? "" : " ") + shell_quoted(word);
    return line;
}

}  // namespace bgv::render
