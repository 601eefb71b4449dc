// render/video_settings: the options that shape a render's frames and file, resolved together:
// the generator's grid (--aspect, --widen), the codec, container and pixel format (by the output's
// name), the quality, the delivered size and fit, and the style of burned subtitles. Checked
// before any work, written into the run identity, and read back from a plan's identity.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <span>

#include "model/biggan/grid.h"
#include "render/options.h"
#include "video/output_format.h"
#include "video/segment_writer.h"
#include "video/subtitles.h"

namespace bgv::render {

// The generator's first grid for the options' aspect and fill (4×4 for 1:1).
biggan::Grid grid_for(const RenderOptions& options);
// The output the options name, or the default one for their song and codec.
std::filesystem::path output_for(const RenderOptions& options);
// The codec, the container (by the output's extension: .mp4, .mov, .mkv; another name gets the
// codec's own container, video::piece_container) and the pixel format. UsageError in one line.
video::OutputFormat output_format_for(const RenderOptions& options);

// Refuses in one line: a codec the output's container does not carry, a pixel format the codec
// does not take, --crf for a codec without one, --fit without --size, --burn_subtitles without
// lyrics, and a subtitle style without --burn_subtitles. (Lyrics that are not timed are found
// when they are read: read_render_lyrics.)
void check_video_options(const RenderOptions& options);

// The run identity's entries for these options, resolved: "grid" {rows, cols, fill (null for the
// square)}, "video" {codec, container, pix_fmt, crf (null for a codec without one), size [w, h]
// and fit (null when not scaled), the encoder's preset and threads}, "burned_subtitles" {font,
// size (null: 1/18 of the height), position} or null for a soft track.
nlohmann::json video_request(const RenderOptions& options);

// What those entries of `identity` ask for: the grid, and the encoder's settings but for the
// frame rate and the generated size; `cues` are drawn into the picture when it says so.
struct VideoSettings {
    biggan::Grid grid;
    video::EncoderSettings encoder;
};
VideoSettings video_settings_from(const nlohmann::json& identity,
                                  std::span<const video::SubtitleCue> cues);

}  // namespace bgv::render
