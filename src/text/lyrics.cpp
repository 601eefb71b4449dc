#include "text/lyrics.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "text/unicode.h"

namespace bgv::text {

namespace {

std::string_view trim(std::string_view s) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; };
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || text[i] == '\r') {
            lines.push_back(text.substr(start, i - start));
            if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            start = i + 1;
        }
    }
    if (start < text.size())
        lines.push_back(text.substr(start));
    return lines;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Parses a run of 1..max_digits digits at `pos`; advances `pos`.
std::optional<long> parse_digits(std::string_view s, std::size_t& pos, std::size_t max_digits) {
    const std::size_t start = pos;
    while (pos < s.size() && is_digit(s[pos]) && pos - start < max_digits)
        ++pos;
    if (pos == start || (pos < s.size() && is_digit(s[pos])))
        return std::nullopt;
    long value = 0;
    std::from_chars(s.data() + start, s.data() + pos, value);
    return value;
}

// "mm:ss", "mm:ss.x", "mm:ss.xx", "mm:ss.xxx" (also ':' before the fraction), the inside of an
// LRC stamp. Seconds must be below 60.
std::optional<double> parse_lrc_time(std::string_view s) {
    std::size_t pos = 0;
    const auto minutes = parse_digits(s, pos, 4);
    if (!minutes || pos >= s.size() || s[pos] != ':')
        return std::nullopt;
    ++pos;
    const auto seconds = parse_digits(s, pos, 2);
    if (!seconds || *seconds >= 60)
        return std::nullopt;
    double fraction = 0;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ':')) {
        ++pos;
        const std::size_t start = pos;
        const auto digits = parse_digits(s, pos, 3);
        if (!digits)
            return std::nullopt;
        double scale = 1;
        for (std::size_t i = start; i < pos; ++i)
            scale *= 10;
        fraction = static_cast<double>(*digits) / scale;
    }
    if (pos != s.size())
        return std::nullopt;
    return static_cast<double>(*minutes) * 60 + static_cast<double>(*seconds) + fraction;
}

// "hh:mm:ss,mmm" (or '.'), one side of an SRT time line.
std::optional<double> parse_srt_time(std::string_view s) {
    s = trim(s);
    std::size_t pos = 0;
    const auto hours = parse_digits(s, pos, 3);
    if (!hours || pos >= s.size() || s[pos] != ':')
        return std::nullopt;
    ++pos;
    const auto minutes = parse_digits(s, pos, 2);
    if (!minutes || *minutes >= 60 || pos >= s.size() || s[pos] != ':')
        return std::nullopt;
    ++pos;
    const auto seconds = parse_digits(s, pos, 2);
    if (!seconds || *seconds >= 60 || pos >= s.size() || (s[pos] != ',' && s[pos] != '.'))
        return std::nullopt;
    ++pos;
    const auto millis = parse_digits(s, pos, 3);
    if (!millis || pos != s.size())
        return std::nullopt;
    return static_cast<double>(*hours) * 3600 + static_cast<double>(*minutes) * 60 +
           static_cast<double>(*seconds) + static_cast<double>(*millis) / 1000.0;
}

bool is_section_marker(std::string_view line) {
    return line.size() >= 2 && line.front() == '[' && line.back() == ']' &&
           line.find(']') == line.size() - 1;
}

// Removes markup that is not sung: "<i>", "{\an8}", and enhanced LRC word stamps "<00:12.30>".
std::string strip_markup(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char open = text[i];
        if (open == '<' || open == '{') {
            const std::size_t close = text.find(open == '<' ? '>' : '}', i);
            if (close != std::string_view::npos) {
                i = close;
                continue;
            }
        }
        out.push_back(open);
    }
    // Collapse the runs of spaces the removal can leave.
    std::string collapsed;
    for (char c : out) {
        if (c == ' ' && (collapsed.empty() || collapsed.back() == ' '))
            continue;
        collapsed.push_back(c == '\t' ? ' ' : c);
    }
    return std::string(trim(collapsed));
}

bool is_counter(std::string_view line) {
    line = trim(line);
    return !line.empty() && std::all_of(line.begin(), line.end(), is_digit);
}

bool looks_like_srt_time_line(std::string_view line) {
    const std::size_t arrow = line.find("-->");
    if (arrow == std::string_view::npos)
        return false;
    return parse_srt_time(line.substr(0, arrow)).has_value();
}

bool starts_with_lrc_stamp(std::string_view line) {
    line = trim(line);
    if (line.size() < 3 || line.front() != '[')
        return false;
    const std::size_t close = line.find(']');
    return close != std::string_view::npos && parse_lrc_time(line.substr(1, close - 1)).has_value();
}

LyricsFormat detect_format(const std::vector<std::string_view>& lines) {
    if (std::any_of(lines.begin(), lines.end(), looks_like_srt_time_line))
        return LyricsFormat::srt;
    if (std::any_of(lines.begin(), lines.end(), starts_with_lrc_stamp))
        return LyricsFormat::lrc;
    return LyricsFormat::plain;
}

std::vector<LyricsLine> parse_plain(const std::vector<std::string_view>& lines) {
    std::vector<LyricsLine> out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = trim(lines[i]);
        if (line.empty() || is_section_marker(line))
            continue;
        out.push_back({.text = std::string(line), .source_line = i + 1});
    }
    return out;
}

std::vector<LyricsLine> parse_lrc(const std::vector<std::string_view>& lines,
                                  std::string_view name) {
    std::vector<LyricsLine> out;
    double offset_seconds = 0;
    std::size_t untimed = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view rest = trim(lines[i]);
        std::vector<double> stamps;
        bool malformed = false, metadata = false;
        while (rest.starts_with('[')) {
            const std::size_t close = rest.find(']');
            if (close == std::string_view::npos)
                break;
            const std::string_view inside = rest.substr(1, close - 1);
            if (!inside.empty() && is_digit(inside.front())) {
                if (const auto time = parse_lrc_time(inside)) {
                    stamps.push_back(*time);
                } else {
                    log::warn("{}:{}: malformed time stamp [{}]; line skipped", name, i + 1,
                              inside);
                    malformed = true;
                    break;
                }
            } else if (stamps.empty() && inside.find(':') != std::string_view::npos &&
                       std::isalpha(static_cast<unsigned char>(inside.front()))) {
                // ID tags: [ar:Artist], [ti:Title], [offset:+250] (milliseconds, positive =
                // lyrics come earlier).
                metadata = true;
                if (inside.starts_with("offset:")) {
                    long millis = 0;
                    std::string_view value = trim(inside.substr(7));
                    if (value.starts_with('+'))
                        value.remove_prefix(1);
                    const auto parsed =
                        std::from_chars(value.data(), value.data() + value.size(), millis);
                    if (parsed.ec == std::errc() && parsed.ptr == value.data() + value.size())
                        offset_seconds = static_cast<double>(millis) / 1000.0;
                    else
                        log::warn("{}:{}: malformed offset tag [{}] ignored", name, i + 1, inside);
                }
                break;
            } else {
                break;  // "[Chorus]" after stamps, or bracketed words: part of the text
            }
            rest = rest.substr(close + 1);
        }
        if (malformed || metadata)
            continue;
        std::string text = strip_markup(rest);
        if (is_section_marker(text))
            text.clear();
        if (stamps.empty()) {
            untimed += text.empty() ? 0 : 1;
            continue;
        }
        for (double stamp : stamps) {
            out.push_back({.text = text,
                           .start_seconds = std::max(0.0, stamp - offset_seconds),
                           .source_line = i + 1});
        }
    }
    if (untimed > 0)
        log::warn("{}: {} line(s) without a time stamp ignored in this LRC file", name, untimed);
    return out;
}

std::vector<LyricsLine> parse_srt(const std::vector<std::string_view>& lines,
                                  std::string_view name) {
    std::vector<LyricsLine> out;
    std::size_t i = 0;
    while (i < lines.size()) {
        if (trim(lines[i]).empty()) {
            ++i;
            continue;
        }
        const std::size_t block_start = i;
        std::size_t block_end = i;
        while (block_end < lines.size() && !trim(lines[block_end]).empty())
            ++block_end;
        // The counter line is optional in practice; the time line is the first with an arrow.
        std::size_t time_line = block_start;
        if (lines[time_line].find("-->") == std::string_view::npos && time_line + 1 < block_end)
            ++time_line;
        // A time line (good or malformed) further down starts the next subtitle even without a
        // blank line before it, together with the counter line just above it: it must never be
        // read as sung text.
        for (std::size_t k = time_line + 1; k < block_end; ++k) {
            if (lines[k].find("-->") != std::string_view::npos) {
                block_end = k - 1 > time_line && is_counter(lines[k - 1]) ? k - 1 : k;
                break;
            }
        }
        i = block_end;
        const std::string_view timing = lines[time_line];
        const std::size_t arrow = timing.find("-->");
        if (arrow == std::string_view::npos) {
            log::warn("{}:{}: subtitle block without a time line; skipped", name, block_start + 1);
            continue;
        }
        const auto start = parse_srt_time(timing.substr(0, arrow));
        std::string_view end_text = trim(timing.substr(arrow + 3));
        // Position hints such as "X1:40 X2:600" may follow the end time.
        end_text = end_text.substr(0, end_text.find(' '));
        const auto end = parse_srt_time(end_text);
        if (!start || !end) {
            log::warn("{}:{}: malformed time line '{}'; subtitle skipped", name, time_line + 1,
                      trim(timing));
            continue;
        }
        std::string joined;
        for (std::size_t k = time_line + 1; k < block_end; ++k) {
            if (!joined.empty())
                joined += ' ';
            joined += trim(lines[k]);
        }
        std::string text = strip_markup(joined);
        if (is_section_marker(text))
            text.clear();
        out.push_back({.text = std::move(text),
                       .start_seconds = *start,
                       .end_seconds = std::max(*start, *end),
                       .source_line = time_line + 1});
    }
    return out;
}

}  // namespace

std::vector<const LyricsLine*> Lyrics::sung_lines() const {
    std::vector<const LyricsLine*> out;
    for (const auto& line : lines) {
        if (!line.text.empty())
            out.push_back(&line);
    }
    return out;
}

std::vector<TimedLyric> timed_lyrics(const Lyrics& lyrics) {
    std::vector<TimedLyric> out;
    if (!lyrics.timed())
        return out;
    for (std::size_t k = 0; k < lyrics.lines.size(); ++k) {
        const LyricsLine& line = lyrics.lines[k];
        if (line.text.empty())
            continue;
        TimedLyric timed{.start_seconds = *line.start_seconds,
                         .end_seconds = std::numeric_limits<double>::infinity(),
                         .text = line.text};
        // The next line with a later start ends this one (lines sharing a stamp overlap).
        for (std::size_t next = k + 1; next < lyrics.lines.size(); ++next) {
            if (*lyrics.lines[next].start_seconds > timed.start_seconds) {
                timed.end_seconds = *lyrics.lines[next].start_seconds;
                break;
            }
        }
        if (line.end_seconds)
            timed.end_seconds =
                std::min(timed.end_seconds, std::max(*line.end_seconds, timed.start_seconds));
        out.push_back(std::move(timed));
    }
    return out;
}

std::vector<TimedLyric> lyrics_in_section(const std::vector<TimedLyric>& lines, double from_seconds,
                                          double length_seconds) {
    std::vector<TimedLyric> out;
    for (const auto& line : lines) {
        TimedLyric shown{.start_seconds = std::max(0.0, line.start_seconds - from_seconds),
                         .end_seconds = std::min(length_seconds, line.end_seconds - from_seconds),
                         .text = line.text};
        if (shown.end_seconds > shown.start_seconds)
            out.push_back(std::move(shown));
    }
    return out;
}

std::string_view format_name(LyricsFormat format) {
    switch (format) {
        case LyricsFormat::plain:
            return "plain text";
        case LyricsFormat::lrc:
            return "LRC";
        case LyricsFormat::srt:
            return "SRT";
    }
    return "unknown";
}

Lyrics parse_lyrics(std::string_view bytes, std::string_view name) {
    if (bytes.starts_with("\xEF\xBB\xBF"))
        bytes.remove_prefix(3);
    if (bytes.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos)
        fail("{}: the lyrics file is empty", name);
    if (const std::size_t nul = bytes.find('\0'); nul != std::string_view::npos)
        fail("{}: not a text file (binary data at byte {}); give a plain, LRC or SRT lyrics file",
             name, nul);
    if (const auto bad = find_invalid_utf8(bytes)) {
        const auto line =
            std::count(bytes.begin(), bytes.begin() + static_cast<long>(*bad), '\n') + 1;
        fail(
            "{}: not UTF-8 text (byte 0x{:02X} on line {}); convert it, e.g. `iconv -f latin1 -t "
            "utf-8`",
            name, static_cast<unsigned char>(bytes[*bad]), line);
    }
    const std::vector<std::string_view> lines = split_lines(bytes);
    Lyrics lyrics;
    lyrics.format = detect_format(lines);
    switch (lyrics.format) {
        case LyricsFormat::plain:
            lyrics.lines = parse_plain(lines);
            break;
        case LyricsFormat::lrc:
            lyrics.lines = parse_lrc(lines, name);
            break;
        case LyricsFormat::srt:
            lyrics.lines = parse_srt(lines, name);
            break;
    }
    if (lyrics.timed()) {
        const auto earlier = [](const LyricsLine& a, const LyricsLine& b) {
            return *a.start_seconds < *b.start_seconds;
        };
        if (!std::is_sorted(lyrics.lines.begin(), lyrics.lines.end(), earlier)) {
            log::info("{}: lines are not in time order; sorted by time", name);
            std::stable_sort(lyrics.lines.begin(), lyrics.lines.end(), earlier);
        }
    }
    if (lyrics.sung_lines().empty())
        fail("{}: no lyrics in this {} file (only blank lines, section markers or time stamps)",
             name, format_name(lyrics.format));
    return lyrics;
}

Lyrics read_lyrics_file(const std::filesystem::path& path) {
    check_readable_file(path, kMaxLyricsBytes, "lyrics file");
    const std::string bytes = read_file_text(path, kMaxLyricsBytes);
    return parse_lyrics(bytes, path.string());
}

}  // namespace bgv::text
