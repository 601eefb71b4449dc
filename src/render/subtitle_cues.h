// render/subtitle_cues: a render's timed lyrics as subtitles: the lyrics read once before any work
// (burning needs them timed), their lines cut to the rendered section, and the cues as the plan
// keeps them (JSON beside the run identity, which holds their digest).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "render/options.h"
#include "text/lyrics.h"
#include "video/subtitles.h"

namespace bgv::render {

// The lyrics file the options name, read (each of its warnings said once: the plan takes these
// lyrics rather than the file); nothing without -l. Refuses, in one line, --burn_subtitles
// without timed lyrics (video::check_burn_request).
std::optional<text::Lyrics> read_render_lyrics(const RenderOptions& options);

// The sung lines of timed lyrics shown in the video of [start, start + video_seconds) of the
// song, timed from its first frame; none for plain lyrics.
std::vector<video::SubtitleCue> subtitle_cues(const text::Lyrics& lyrics, double start,
                                              double video_seconds);

nlohmann::json cues_json(std::span<const video::SubtitleCue> cues);
std::vector<video::SubtitleCue> cues_from_json(const nlohmann::json& cues);
// SHA-256 of cues_json's compact text: the run identity's "subtitles_sha256".
std::string cues_digest(std::span<const video::SubtitleCue> cues);

}  // namespace bgv::render
