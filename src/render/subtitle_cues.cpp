#include "render/subtitle_cues.h"

#include "store/sha256.h"

namespace bgv::render {

using nlohmann::json;

std::optional<text::Lyrics> read_render_lyrics(const RenderOptions& o) {
    if (!o.lyrics) {
        video::check_burn_request(o.burn_subtitles, {}, false);
        return std::nullopt;
    }
    text::Lyrics lyrics = text::read_lyrics_file(*o.lyrics);
    video::check_burn_request(o.burn_subtitles, *o.lyrics, lyrics.timed());
    return lyrics;
}

std::vector<video::SubtitleCue> subtitle_cues(const text::Lyrics& lyrics, double start,
                                              double video_seconds) {
    std::vector<video::SubtitleCue> cues;
    for (auto& line : text::lyrics_in_section(text::timed_lyrics(lyrics), start, video_seconds))
        cues.push_back({line.start_seconds, line.end_seconds, std::move(line.text)});
    return cues;
}

json cues_json(std::span<const video::SubtitleCue> cues) {
    json out = json::array();
    for (const auto& cue : cues)
        out.push_back({{"start", cue.start_seconds}, {"end", cue.end_seconds}, {"text", cue.text}});
    return out;
}

std::vector<video::SubtitleCue> cues_from_json(const json& cues) {
    std::vector<video::SubtitleCue> out;
    for (const auto& cue : cues)
        out.push_back({cue.at("start").get<double>(), cue.at("end").get<double>(),
                       cue.at("text").get<std::string>()});
    return out;
}

std::string cues_digest(std::span<const video::SubtitleCue> cues) {
    const std::string text = cues_json(cues).dump();
    return store::sha256_hex(std::as_bytes(std::span(text.data(), text.size())));
}

}  // namespace bgv::render
