// The render option table's rows for the frame's shape, the delivered size, the codec and the
// subtitles (docs/shapes.md). Their identity is what they resolve to (render/video_settings.h:
// the grid, the codec's defaults, the container), so none enters the run identity as typed.
#include <fmt/format.h>

#include "model/biggan/grid.h"
#include "render/option_rows.h"
#include "video/delivery.h"
#include "video/output_format.h"
#include "video/subtitles.h"

namespace bgv::render::rows {

namespace {
using T = OptionType;

constexpr const char* kShape = "shape";
constexpr const char* kVideo = "video";
constexpr const char* kSubtitles = "subtitles";

// Every pixel format some codec takes, in the order the codecs list them.
std::vector<std::string> all_pix_fmts() {
    std::vector<std::string> names;
    for (const auto codec :
         {video::Codec::h264, video::Codec::hevc, video::Codec::prores, video::Codec::ffv1}) {
        for (const auto name : video::allowed_pix_fmts(codec)) {
            if (std::find(names.begin(), names.end(), name) == names.end())
                names.emplace_back(name);
        }
    }
    return names;
}
}  // namespace

void add_video_rows(std::vector<RenderOption>& rows) {
    rows.push_back(
        {{.name = "aspect",
          .type = T::text,
          .metavar = "W:H",
          .help = "frame shape, 1:4 to 4:1 (16:9, 9:16, 21:9, ...): the generator paints "
                  "the whole frame on a widened grid of cells (docs/shapes.md)",
          .group = kShape},
         [](const RenderOptions& o) -> std::optional<OptionValue> {
             return fmt::format("{}:{}", o.aspect.width, o.aspect.height);
         },
         [](RenderOptions& o, const OptionValue& v) {
             o.aspect = biggan::parse_aspect(std::get<std::string>(v));
         }});
    rows.push_back(enum_row<&RenderOptions::widen>(
        {.name = "widen",
         .metavar = "FILL",
         .choices = {"mirror", "noise"},
         .help = "how a wider or taller frame's extra cells are filled: mirror images of the "
                 "square's, or a scene continued from neighbouring noise",
         .group = kShape}));
    rows.push_back({{.name = "size",
                     .type = T::text,
                     .metavar = "WxH",
                     .default_text = "as generated",
                     .help = "delivered frame size, even, 16 to 8192 (1920x1080, 3840x2160, "
                             "1080x1920): frames scaled with lanczos while encoding",
                     .group = kShape},
                    [](const RenderOptions& o) -> std::optional<OptionValue> {
                        if (!o.size)
                            return std::nullopt;
                        return fmt::format("{}x{}", o.size->width, o.size->height);
                    },
                    [](RenderOptions& o, const OptionValue& v) {
                        o.size = video::parse_frame_size(std::get<std::string>(v));
                    }});
    rows.push_back(enum_row<&RenderOptions::fit>(
        {.name = "fit",
         .metavar = "HOW",
         .choices = {"crop", "pad", "blur"},
         .help = "with --size of another aspect: crop to cover, pad with black, or over a blurred "
                 "enlarged copy of the frame",
         .group = kShape}));
    rows.push_back(enum_row<&RenderOptions::codec>(
        {.name = "codec",
         .metavar = "NAME",
         .choices = {"h264", "hevc", "prores", "ffv1"},
         .help = "h264 or hevc (.mp4, .mov, .mkv); prores 422 HQ (.mov) or ffv1 lossless (.mkv) "
                 "for editors",
         .group = kVideo}));
    rows.push_back(
        {{.name = "pix_fmt",
          .type = T::choice,
          .metavar = "NAME",
          .default_text = "yuv420p (prores: yuv422p10le, ffv1: bgr0)",
          .choices = all_pix_fmts(),
          .help = "pixel format, one the codec takes (docs/shapes.md): 4:2:2, 4:4:4 or 10-bit "
                  "where it matters",
          .group = kVideo},
         [](const RenderOptions& o) -> std::optional<OptionValue> {
             if (!o.pix_fmt)
                 return std::nullopt;
             return *o.pix_fmt;
         },
         [](RenderOptions& o, const OptionValue& v) { o.pix_fmt = std::get<std::string>(v); }});
    rows.push_back(optional_integer_row<&RenderOptions::crf>(
        {.name = "crf",
         .metavar = "N",
         .default_text = "17 (h264), 20 (hevc)",
         .min = 0,
         .max = 51,
         .help = "h264/hevc quality (x264/x265 CRF): lower is better and bigger; the defaults "
                 "are visually lossless",
         .group = kVideo}));
    // The studio gives renders no lyrics file, so the subtitle options are the command line's.
    rows.push_back(flag_row<&RenderOptions::burn_subtitles>(
        {.name = "burn_subtitles",
         .help = "draw the timed lyrics (-l .lrc/.srt) into the picture instead of a soft "
                 "subtitle track",
         .group = kSubtitles,
         .client = false}));
    rows.push_back(text_row<&RenderOptions::subtitle_font>(
        {.name = "subtitle_font",
         .metavar = "FAMILY",
         .help = "font of burned subtitles (a fontconfig family name)",
         .group = kSubtitles,
         .client = false}));
    rows.push_back(optional_integer_row<&RenderOptions::subtitle_size>(
        {.name = "subtitle_size",
         .metavar = "PX",
         .default_text = "1/18 of the height",
         .min = 4,
         .max = 2048,
         .help = "text height of burned subtitles, in pixels of the delivered frame",
         .group = kSubtitles,
         .client = false}));
    rows.push_back(enum_row<&RenderOptions::subtitle_position>(
        {.name = "subtitle_position",
         .metavar = "WHERE",
         .choices = {"bottom", "middle", "top"},
         .help = "where burned subtitles stand, a text height from the edge",
         .group = kSubtitles,
         .client = false}));
}

}  // namespace bgv::render::rows
