// video/subtitles: timed lines of text for a video (lyrics), as ASS (the script format libass
// draws and FFmpeg's subtitle encoders read) with a style of font, size and position: burned
// into the picture by the frame converter, or carried as a soft track by the assembler.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "video/delivery.h"

namespace bgv::video {

// Seconds from the video's first frame; end > start. Written as milliseconds in a soft track and
// centiseconds (ASS's precision) when burned.
struct SubtitleCue {
    double start_seconds = 0;
    double end_seconds = 0;
    std::string text;  // UTF-8; '\n' breaks the line
};

enum class SubtitlePosition { bottom, middle, top };

struct SubtitleStyle {
    std::string font = "DejaVu Sans";  // a fontconfig family name; libass falls back when absent
    int size = 0;                      // text height in pixels of the delivered frame; 0: 1/18
    SubtitlePosition position = SubtitlePosition::bottom;
    int margin = 0;  // pixels between the text and the frame's edge; 0: the text size
};

SubtitlePosition parse_subtitle_position(std::string_view name);
std::string_view subtitle_position_name(SubtitlePosition position);

// Refuses (UsageError, one line) --burn_subtitles without timed lyrics: `lyrics` is the file
// given (empty: none), `timed` whether it is LRC or SRT.
void check_burn_request(bool burn, const std::filesystem::path& lyrics, bool timed);

// The script's head: the frame's size as its coordinate space and one style, "Default".
std::string ass_header(const SubtitleStyle& style, FrameSize frame);
// A cue's text as an ASS event's text: line breaks as \N; braces, which would open ASS override
// codes, as parentheses; a backslash kept visible.
std::string ass_text(std::string_view text);
// A whole script: the header and one Dialogue event per cue.
std::string ass_script(std::span<const SubtitleCue> cues, const SubtitleStyle& style,
                       FrameSize frame);

}  // namespace bgv::video
