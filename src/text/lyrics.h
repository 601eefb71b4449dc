// text/lyrics: reads a lyrics file (plain text, LRC or SRT) into the lines that are sung, with
// their start times when the file is timed. Rejects empty, binary and non-UTF-8 files with one
// clear line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgv::text {

enum class LyricsFormat { plain, lrc, srt };

struct LyricsLine {
    std::string text;  // trimmed; empty for a timed line without words (an instrumental gap)
    std::optional<double> start_seconds;  // set for LRC and SRT, never for plain text
    std::optional<double> end_seconds;    // SRT gives it; LRC and plain do not
    std::size_t source_line = 0;          // 1-based line in the file, for messages
};

struct Lyrics {
    LyricsFormat format = LyricsFormat::plain;
    // Plain: file order, blank lines and section markers ("[Chorus]") dropped. Timed: sorted by
    // start time (stable), lines without words kept because they end the line before them.
    std::vector<LyricsLine> lines;

    bool timed() const { return format != LyricsFormat::plain; }
    // The lines that have words, in order.
    std::vector<const LyricsLine*> sung_lines() const;
};

// A sung line of timed lyrics and when it is shown: from its start to the next later line's start
// (a timed line without words ends the one before it), or to its SRT end when that comes sooner;
// the last line of an LRC file runs on (end = +infinity).
struct TimedLyric {
    double start_seconds = 0;
    double end_seconds = 0;
    std::string text;
};
// In time order; empty for plain lyrics.
std::vector<TimedLyric> timed_lyrics(const Lyrics& lyrics);
// The lines shown within [from, from + length) of the song, with times counted from `from` and cut
// to that window (a video of a section of the song: --start, -d); lines outside it left out.
std::vector<TimedLyric> lyrics_in_section(const std::vector<TimedLyric>& lines, double from_seconds,
                                          double length_seconds);

// A song's lyrics are a few kB; the bound only stops a wrong file (a video, /dev/zero: refused as
// not regular anyway) from being read whole.
inline constexpr std::uint64_t kMaxLyricsBytes = std::uint64_t{4} << 20;

// `name` is used in error messages only. Malformed time stamps are skipped with a warning.
Lyrics parse_lyrics(std::string_view bytes, std::string_view name = "lyrics");
// Refuses what is not a regular file of at most kMaxLyricsBytes, in one line.
Lyrics read_lyrics_file(const std::filesystem::path& path);

std::string_view format_name(LyricsFormat format);

}  // namespace bgv::text
