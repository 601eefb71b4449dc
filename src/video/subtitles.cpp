#include "video/subtitles.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/assert.h"
#include "core/error.h"

namespace bgv::video {

namespace {

int resolved_size(const SubtitleStyle& style, FrameSize frame) {
    return style.size > 0 ? style.size
                          : std::max(8, static_cast<int>(std::lround(frame.height / 18.0)));
}

// ASS times are H:MM:SS.cc.
std::string ass_time(double seconds) {
    const auto centiseconds = static_cast<std::int64_t>(std::llround(seconds * 100.0));
    return fmt::format("{}:{:02}:{:02}.{:02}", centiseconds / 360000, centiseconds / 6000 % 60,
                       centiseconds / 100 % 60, centiseconds % 100);
}

// Numeric keypad positions of ASS's Alignment: 2 bottom, 5 middle, 8 top (all centred).
int alignment(SubtitlePosition position) {
    switch (position) {
        case SubtitlePosition::bottom:
            return 2;
        case SubtitlePosition::middle:
            return 5;
        case SubtitlePosition::top:
            return 8;
    }
    return 2;
}

}  // namespace

SubtitlePosition parse_subtitle_position(std::string_view name) {
    for (auto p : {SubtitlePosition::bottom, SubtitlePosition::middle, SubtitlePosition::top})
        if (subtitle_position_name(p) == name)
            return p;
    fail_usage("--subtitle_position {}: expected bottom, middle or top", name);
}

std::string_view subtitle_position_name(SubtitlePosition position) {
    switch (position) {
        case SubtitlePosition::bottom:
            return "bottom";
        case SubtitlePosition::middle:
            return "middle";
        case SubtitlePosition::top:
            return "top";
    }
    return "?";
}

void check_burn_request(bool burn, const std::filesystem::path& lyrics, bool timed) {
    if (!burn)
        return;
    if (lyrics.empty())
        fail_usage("--burn_subtitles needs timed lyrics: give -l with an .lrc or .srt file");
    if (!timed)
        fail_usage(
            "--burn_subtitles needs timed lyrics, and {} has no time stamps (give an LRC "
            "or SRT file)",
            lyrics.string());
}

std::string ass_header(const SubtitleStyle& style, FrameSize frame) {
    BGV_ASSERT(frame.width > 0 && frame.height > 0, "subtitles for a {}x{} frame", frame.width,
               frame.height);
    const int size = resolved_size(style, frame);
    const int margin = style.margin > 0 ? style.margin : size;
    const int outline = std::max(1, size / 16);
    std::string font = style.font;
    std::replace(font.begin(), font.end(), ',', ' ');  // a comma would end the Style field
    // White text with a black outline and no shadow; &HAABBGGRR colours.
    return fmt::format(
        "[Script Info]\n"
        "ScriptType: v4.00+\n"
        "PlayResX: {0}\n"
        "PlayResY: {1}\n"
        "WrapStyle: 0\n"
        "ScaledBorderAndShadow: yes\n"
        "\n"
        "[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
        "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
        "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
        "Style: Default,{2},{3},&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,"
        "1,{4},0,{5},{6},{6},{6},1\n"
        "\n"
        "[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n",
        frame.width, frame.height, font, size, outline, alignment(style.position), margin);
}

std::string ass_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            out += "\\N";
        } else if (c == '\r') {
            continue;
        } else if (c == '{') {
            out += '(';
        } else if (c == '}') {
            out += ')';
        } else if (c == '\\') {
            // \N, \n and \h are ASS escapes: a zero-width space after the backslash keeps it text.
            out += "\\\u200B";
        } else {
            out += c;
        }
    }
    return out;
}

std::string ass_script(std::span<const SubtitleCue> cues, const SubtitleStyle& style,
                       FrameSize frame) {
    std::string script = ass_header(style, frame);
    for (const auto& cue : cues) {
        BGV_ASSERT(cue.end_seconds > cue.start_seconds && cue.start_seconds >= 0,
                   "subtitle cue from {} s to {} s", cue.start_seconds, cue.end_seconds);
        script += fmt::format("Dialogue: 0,{},{},Default,,0,0,0,,{}\n", ass_time(cue.start_seconds),
                              ass_time(cue.end_seconds), ass_text(cue.text));
    }
    return script;
}

}  // namespace bgv::video
