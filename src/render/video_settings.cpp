#include "render/video_settings.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"

namespace bgv::render {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
bool names_a_container(const fs::path& output) {
    std::string extension = output.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".mp4" || extension == ".mov" || extension == ".mkv";
}

template <typename Enum>
Enum enum_named(const json& name, std::initializer_list<Enum> values,
                std::string_view (*name_of)(Enum)) {
    for (const Enum value : values) {
        if (name_of(value) == name.get<std::string>())
            return value;
    }
    fail("the plan names an unknown setting {}", name.dump());
}
}  // namespace

biggan::Grid grid_for(const RenderOptions& o) {
    return biggan::grid_for_aspect(o.aspect, o.widen);
}

fs::path output_for(const RenderOptions& o) {
    return o.output.value_or(default_output(o.song, o.codec));
}

video::OutputFormat output_format_for(const RenderOptions& o) {
    const fs::path output = output_for(o);
    // Another name (or none: a folder, refused later in its own words) holds the codec's own
    // container, as every render did before containers were chosen, which it always carries.
    const fs::path named = names_a_container(output)
                               ? output
                               : fs::path("video" + std::string(video::piece_extension(o.codec)));
    return video::resolve_output_format(named, video::codec_name(o.codec), o.pix_fmt.value_or(""));
}

void check_video_options(const RenderOptions& o) {
    output_format_for(o);
    // The aspect's range again, for options built in code (typed ones were parsed).
    biggan::parse_aspect(fmt::format("{}:{}", o.aspect.width, o.aspect.height));
    if (o.size)
        video::parse_frame_size(fmt::format("{}x{}", o.size->width, o.size->height));
    if (o.crf && !video::takes_crf(o.codec))
        fail_usage("--crf {}: --codec {} takes no CRF (its quality is fixed)", *o.crf,
                   video::codec_name(o.codec));
    if (!o.size && o.fit != video::Fit::crop)
        fail_usage("--fit {} fits the frame into --size WxH: give the size",
                   video::fit_name(o.fit));
    if (!o.lyrics)
        video::check_burn_request(o.burn_subtitles, {}, false);
    const RenderOptions defaults;
    if (!o.burn_subtitles && (o.subtitle_font != defaults.subtitle_font || o.subtitle_size ||
                              o.subtitle_position != defaults.subtitle_position))
        fail_usage(
            "--subtitle_font, --subtitle_size and --subtitle_position style burned subtitles: "
            "add --burn_subtitles");
}

json video_request(const RenderOptions& o) {
    const biggan::Grid grid = grid_for(o);
    const video::OutputFormat format = output_format_for(o);
    const video::EncoderSettings encoder;
    const bool scaled = o.size.has_value();
    json request;
    request["grid"] = {
        {"rows", grid.rows},
        {"cols", grid.cols},
        {"fill", grid.square() ? json(nullptr) : json(biggan::widen_name(grid.fill))}};
    request["video"] = {
        {"codec", video::codec_name(format.codec)},
        {"container", video::container_name(format.container)},
        {"pix_fmt", format.pix_fmt},
        {"crf", video::takes_crf(o.codec) ? json(o.crf.value_or(video::default_crf(o.codec)))
                                          : json(nullptr)},
        {"size", scaled ? json::array({o.size->width, o.size->height}) : json(nullptr)},
        {"fit", scaled ? json(video::fit_name(o.fit)) : json(nullptr)},
        {"preset", encoder.preset},
        {"encoder_threads", encoder.threads}};
    request["burned_subtitles"] =
        o.burn_subtitles ? json{{"font", o.subtitle_font},
                                {"size", o.subtitle_size ? json(*o.subtitle_size) : json(nullptr)},
                                {"position", video::subtitle_position_name(o.subtitle_position)}}
                         : json(nullptr);
    return request;
}

VideoSettings video_settings_from(const json& identity, std::span<const video::SubtitleCue> cues) {
    VideoSettings settings;
    const json& grid = identity.at("grid");
    settings.grid.rows = grid.at("rows").get<int>();
    settings.grid.cols = grid.at("cols").get<int>();
    if (!grid.at("fill").is_null())
        settings.grid.fill = enum_named(
            grid.at("fill"), {biggan::Widen::mirror, biggan::Widen::noise}, biggan::widen_name);

    const json& v = identity.at("video");
    video::EncoderSettings& encoder = settings.encoder;
    encoder.format.codec = video::parse_codec(v.at("codec").get<std::string>());
    encoder.format.container = enum_named(
        v.at("container"), {video::Container::mp4, video::Container::mov, video::Container::mkv},
        video::container_name);
    encoder.format.pix_fmt = v.at("pix_fmt").get<std::string>();
    if (!v.at("crf").is_null())
        encoder.crf = v.at("crf").get<int>();
    if (!v.at("size").is_null()) {
        encoder.delivery.size = {v.at("size").at(0).get<int>(), v.at("size").at(1).get<int>()};
        encoder.delivery.fit = video::parse_fit(v.at("fit").get<std::string>());
    }
    encoder.preset = v.at("preset").get<std::string>();
    encoder.threads = v.at("encoder_threads").get<int>();

    const json& burned = identity.at("burned_subtitles");
    if (!burned.is_null()) {
        encoder.burned_subtitles.assign(cues.begin(), cues.end());
        encoder.subtitle_style.font = burned.at("font").get<std::string>();
        if (!burned.at("size").is_null())
            encoder.subtitle_style.size = burned.at("size").get<int>();
        encoder.subtitle_style.position =
            video::parse_subtitle_position(burned.at("position").get<std::string>());
    }
    return settings;
}

}  // namespace bgv::render
