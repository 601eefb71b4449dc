#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/log.h"
#include "text/lyrics.h"

namespace bgv::text {
namespace {

std::string error_of(std::string_view bytes) {
    try {
        parse_lyrics(bytes, "song.txt");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(Lyrics, PlainTextSkipsBlankLinesAndSectionMarkers) {
    const Lyrics lyrics = parse_lyrics(
        "\xEF\xBB\xBF[Verse 1]\r\nYellow submarine\r\n\r\n  [Chorus]  \n"
        "We all live in a\n   \n[x] marks the spot\n");
    EXPECT_EQ(lyrics.format, LyricsFormat::plain);
    ASSERT_EQ(lyrics.lines.size(), 3u);
    EXPECT_EQ(lyrics.lines[0].text, "Yellow submarine");
    EXPECT_EQ(lyrics.lines[0].source_line, 2u);
    EXPECT_EQ(lyrics.lines[1].text, "We all live in a");
    EXPECT_EQ(lyrics.lines[2].text, "[x] marks the spot");
    EXPECT_FALSE(lyrics.lines[0].start_seconds.has_value());
}

TEST(Lyrics, LrcStampsMetadataAndSeveralStampsPerLine) {
    const Lyrics lyrics = parse_lyrics(
        "[ar:The Band]\n[ti:Song]\n[length: 03:20]\n"
        "[00:12.50]First line\n"
        "[01:02.5][00:30.00]Refrain <00:31.20>here\n"
        "[00:40:25]Colon fraction\n"
        "[00:45.123]\n"
        "[00:50]Last\n");
    EXPECT_EQ(lyrics.format, LyricsFormat::lrc);
    ASSERT_EQ(lyrics.lines.size(), 6u);
    // Sorted by time; the refrain appears twice.
    EXPECT_DOUBLE_EQ(*lyrics.lines[0].start_seconds, 12.5);
    EXPECT_EQ(lyrics.lines[1].text, "Refrain here");
    EXPECT_DOUBLE_EQ(*lyrics.lines[1].start_seconds, 30.0);
    EXPECT_DOUBLE_EQ(*lyrics.lines[2].start_seconds, 40.25);
    EXPECT_EQ(lyrics.lines[3].text, "");  // a gap: ends the line before it
    EXPECT_DOUBLE_EQ(*lyrics.lines[3].start_seconds, 45.123);
    EXPECT_DOUBLE_EQ(*lyrics.lines[4].start_seconds, 50.0);
    EXPECT_DOUBLE_EQ(*lyrics.lines[5].start_seconds, 62.5);
    EXPECT_EQ(lyrics.sung_lines().size(), 5u);
}

TEST(Lyrics, LrcMalformedStampsAreSkippedAndOutOfOrderLinesSorted) {
    const Lyrics lyrics = parse_lyrics(
        "[00:20.00]second\n[00:7a.00]broken\n[00:75.00]bad seconds\n"
        "[00:05.00]first\nno stamp here\n[offset:+500]\n"
        "[00:30.00]third\n");
    ASSERT_EQ(lyrics.lines.size(), 3u);
    EXPECT_EQ(lyrics.lines[0].text, "first");
    EXPECT_EQ(lyrics.lines[1].text, "second");
    EXPECT_EQ(lyrics.lines[2].text, "third");
    EXPECT_DOUBLE_EQ(*lyrics.lines[2].start_seconds, 29.5);  // offset applies to later lines
}

TEST(Lyrics, SrtBlocksWithMarkupMultilineTextAndBadTimes) {
    const Lyrics lyrics = parse_lyrics(
        "1\r\n00:00:01,000 --> 00:00:03,500\r\n<i>Hello</i> darkness\r\n"
        "my old friend\r\n\r\n"
        "3\n00:01:10.250 --> 00:01:12,000 X1:10\n{\\an8}Later line\n\n"
        "2\n00:00:0x,000 --> 00:00:05,000\nbroken\n\n"
        "4\n00:01:20,000 --> 00:01:21,000\n\n"
        "5\n00:01:30,000 --> 00:01:31,000\n[Music]\n");
    EXPECT_EQ(lyrics.format, LyricsFormat::srt);
    ASSERT_EQ(lyrics.lines.size(), 4u);
    EXPECT_EQ(lyrics.lines[0].text, "Hello darkness my old friend");
    EXPECT_DOUBLE_EQ(*lyrics.lines[0].start_seconds, 1.0);
    EXPECT_DOUBLE_EQ(*lyrics.lines[0].end_seconds, 3.5);
    EXPECT_EQ(lyrics.lines[1].text, "Later line");
    EXPECT_DOUBLE_EQ(*lyrics.lines[1].start_seconds, 70.25);
    EXPECT_EQ(lyrics.lines[2].text, "");  // no text: a gap
    EXPECT_EQ(lyrics.lines[3].text, "");  // [Music] is a section marker, not words
    EXPECT_EQ(lyrics.sung_lines().size(), 2u);
}

TEST(Lyrics, EmptyBinaryAndNonUtf8FilesGetOneClearLine) {
    EXPECT_NE(error_of("").find("song.txt: the lyrics file is empty"), std::string::npos);
    EXPECT_NE(error_of(" \r\n\n\t\n").find("is empty"), std::string::npos);
    EXPECT_NE(error_of(std::string("PK\x03\x04\0\0\x01", 7)).find("not a text file"),
              std::string::npos);
    const std::string latin1 = error_of("caf\xe9 au lait\n");
    EXPECT_NE(latin1.find("not UTF-8 text (byte 0xE9 on line 1)"), std::string::npos) << latin1;
    EXPECT_NE(error_of("[Chorus]\n\n[Verse]\n").find("no lyrics"), std::string::npos);
    EXPECT_NE(error_of("[00:01.00]\n[00:02.00]\n").find("no lyrics in this LRC file"),
              std::string::npos);
    for (const auto& message : {error_of(""), latin1})
        EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(Lyrics, MissingFileNamesThePath) {
    EXPECT_THROW(read_lyrics_file("/nonexistent/lyrics.lrc"), Error);
}

// Issue 11, item 14: with no blank line before it, a subtitle whose time line is malformed was
// joined to the one above and its time line sung as words.
TEST(Lyrics, SrtTimeLineWithoutABlankLineBeforeItStartsTheNextSubtitle) {
    const log::Capture captured;
    const Lyrics lyrics = parse_lyrics(
        "1\n00:00:01,000 --> 00:00:02,000\nfirst words\n"
        "2\n00:00:0x,000 --> 00:00:04,000\nbroken words\n"
        "00:00:05,000 --> 00:00:06,000\nlast words\n",
        "song.srt");
    ASSERT_EQ(lyrics.lines.size(), 2u);
    EXPECT_EQ(lyrics.lines[0].text, "first words");
    EXPECT_EQ(lyrics.lines[1].text, "last words");
    EXPECT_DOUBLE_EQ(*lyrics.lines[1].start_seconds, 5.0);
    EXPECT_EQ(captured.messages(),
              std::vector<std::string>{"song.srt:5: malformed time line '00:00:0x,000 --> "
                                       "00:00:04,000'; subtitle skipped"});
    EXPECT_EQ(captured.records().at(0).level, log::Level::warn);
}

// Issue 11, item 6: `--lyrics /dev/zero` grew to 15.7 GB. A device, a pipe or a huge file is
// refused before a byte is read.
TEST(Lyrics, ADeviceOrAHugeFileIsRefusedInOneLine) {
    try {
        read_lyrics_file("/dev/zero");
        ADD_FAILURE() << "/dev/zero was read as lyrics";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "/dev/zero: is a character device, expected a lyrics file");
    }
    const auto huge = std::filesystem::temp_directory_path() /
                      ("bgv_huge_lyrics_" + std::to_string(::getpid()) + ".txt");
    std::filesystem::remove(huge);
    { std::ofstream(huge) << "la"; }
    std::filesystem::resize_file(huge, kMaxLyricsBytes + 1);  // sparse: no disk used
    try {
        read_lyrics_file(huge);
        ADD_FAILURE() << "a file above the bound was read";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  huge.string() +
                      ": is 4194305 bytes, more than the 4194304 bytes a lyrics file may have");
    }
    std::filesystem::remove(huge);
}

}  // namespace
// When each sung line is shown: LRC lines until the next later stamp (an empty stamped line ends
// the one before; two lines on one stamp both run to the next), the last one on; SRT lines until
// their end, or the next line's start when that comes first. The times are the parsed stamps
// (compared within a few ulps).
TEST(Lyrics, TimedLinesRunToTheNextLineOrTheirEnd) {
    const Lyrics lrc = parse_lyrics(
        "[00:01.25]One\n[00:02.50]Two\n[00:02.50]Two too\n[00:04.00]\n[00:06.10]Three\n");
    const auto lines = timed_lyrics(lrc);
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0].text, "One");
    EXPECT_DOUBLE_EQ(lines[0].start_seconds, 1.25);
    EXPECT_DOUBLE_EQ(lines[0].end_seconds, 2.5);
    EXPECT_DOUBLE_EQ(lines[1].end_seconds, 4.0);
    EXPECT_EQ(lines[2].text, "Two too");
    EXPECT_DOUBLE_EQ(lines[2].end_seconds, 4.0);
    EXPECT_DOUBLE_EQ(lines[3].start_seconds, 6.1);
    EXPECT_TRUE(std::isinf(lines[3].end_seconds));

    const Lyrics srt = parse_lyrics(
        "1\n00:00:01,000 --> 00:00:02,345\nFirst\n\n2\n00:00:02,200 --> 00:00:05,000\nSecond\n");
    const auto subtitles = timed_lyrics(srt);
    ASSERT_EQ(subtitles.size(), 2u);
    EXPECT_DOUBLE_EQ(subtitles[0].end_seconds, 2.2);  // the next line starts before its own end
    EXPECT_DOUBLE_EQ(subtitles[1].start_seconds, 2.2);
    EXPECT_DOUBLE_EQ(subtitles[1].end_seconds, 5.0);
    EXPECT_TRUE(timed_lyrics(parse_lyrics("plain words\n")).empty());
}

TEST(Lyrics, SectionOfTheSongShiftsAndCutsTheLines) {
    const std::vector<TimedLyric> lines = {{1.0, 3.0, "before and into"},
                                           {3.5, 4.0, "inside"},
                                           {9.0, INFINITY, "runs past the end"},
                                           {12.0, 13.0, "after"},
                                           {0.5, 1.5, "before"}};
    const auto shown = lyrics_in_section(lines, 2.0, 8.0);  // song seconds [2, 10)
    ASSERT_EQ(shown.size(), 3u);
    EXPECT_EQ(shown[0].text, "before and into");
    EXPECT_DOUBLE_EQ(shown[0].start_seconds, 0.0);
    EXPECT_DOUBLE_EQ(shown[0].end_seconds, 1.0);
    EXPECT_DOUBLE_EQ(shown[1].start_seconds, 1.5);
    EXPECT_DOUBLE_EQ(shown[1].end_seconds, 2.0);
    EXPECT_DOUBLE_EQ(shown[2].start_seconds, 7.0);
    EXPECT_DOUBLE_EQ(shown[2].end_seconds, 8.0);
}

}  // namespace bgv::text
