// The status line, the statistics it shows, and --frame_log's CSV.
#include <gtest/gtest.h>
#include <pty.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "core/file.h"
#include "live/frame_log.h"
#include "live/show_stats.h"
#include "live/status_line.h"
#include "support/process.h"

using namespace bgv::live;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// 20 frames a second for 10 s with latencies 1, 2, ..., 100 ms over and over: over the last 5 s
// (100 frames, one of each latency) the rate is 20 fps, the median 50 ms and the 95th percentile
// 95 ms (nearest rank).
TEST(ShowStats, RateAndLatencyPercentilesOverTheWindow) {
    ShowStats stats;
    const Clock::time_point t0{};
    for (int i = 0; i < 200; ++i)
        stats.frame_shown(t0 + i * 50ms, 1.0 + i % 100);
    const ShowSummary s = stats.summary(t0 + 199 * 50ms);
    EXPECT_EQ(s.frames, 100);
    EXPECT_EQ(s.shown, 200);
    EXPECT_NEAR(s.fps, 20.0, 1e-9);
    EXPECT_EQ(s.latency_p50_ms, 50.0);
    EXPECT_EQ(s.latency_p95_ms, 95.0);
    // Later, with no frames shown since: nothing left in the window.
    const ShowSummary later = stats.summary(t0 + 30s);
    EXPECT_EQ(later.frames, 0);
    EXPECT_EQ(later.fps, 0.0);
}

TEST(StatusLine, Text) {
    LiveStatus s;
    s.seconds = 83;
    s.fps = 19.84;
    s.target_fps = 24;
    s.latency_p50_ms = 85.2;
    s.latency_p95_ms = 120.4;
    s.dropped_frames = 3;
    s.tempo_bpm = 128;
    s.beat_locked = true;
    EXPECT_EQ(StatusLine::text(s),
              "live 1:23  19.8/24 fps (generator behind)  latency 85/120 ms  "
              "dropped 3  overruns 0  tempo 128.0 BPM locked");
    s.fps = 23.9;
    s.tempo_bpm = 0;
    EXPECT_EQ(StatusLine::text(s),
              "live 1:23  23.9/24 fps  latency 85/120 ms  dropped 3  "
              "overruns 0  tempo -");
}

// Not a terminal (a log file): a plain line at the first update, then one every 5 s.
TEST(StatusLine, PlainLinesElsewhere) {
    const fs::path dir = bgv::test::fresh_temp_dir("live_status");
    const fs::path path = dir / "log.txt";
    std::FILE* file = std::fopen(path.c_str(), "w");
    ASSERT_NE(file, nullptr);
    {
        StatusLine line(file);
        EXPECT_FALSE(line.terminal());
        LiveStatus s;
        const Clock::time_point t0{};
        for (int i = 0; i <= 100; ++i) {  // 10 s in steps of 0.1 s
            s.seconds = i * 0.1;
            line.update(s, t0 + i * 100ms);
        }
        line.finish(s);
    }
    std::fclose(file);
    const std::string text = bgv::read_file_text(path);
    EXPECT_EQ(text,
              "live 0:00  0.0/0 fps  latency 0/0 ms  dropped 0  overruns 0  tempo -\n"
              "live 0:05  0.0/0 fps  latency 0/0 ms  dropped 0  overruns 0  tempo -\n"
              "live 0:10  0.0/0 fps  latency 0/0 ms  dropped 0  overruns 0  tempo -\n"
              "live 0:10  0.0/0 fps  latency 0/0 ms  dropped 0  overruns 0  tempo -\n");
}

// On a terminal (a pseudo-terminal here) the line is redrawn in place: carriage return, the text,
// erase to the end of the line; at most every 250 ms; finish() ends the line.
TEST(StatusLine, RedrawnInPlaceOnATerminal) {
    int controller = -1;
    int terminal = -1;
    ASSERT_EQ(::openpty(&controller, &terminal, nullptr, nullptr, nullptr), 0);
    std::FILE* stream = ::fdopen(terminal, "w");
    std::string written;
    {
        StatusLine line(stream);
        EXPECT_TRUE(line.terminal());
        LiveStatus s;
        const Clock::time_point t0{};
        line.update(s, t0);
        line.update(s, t0 + 100ms);  // too soon: not drawn
        s.seconds = 1;
        line.update(s, t0 + 300ms);
        line.finish(s);
    }
    std::fclose(stream);
    char buffer[4096];
    for (ssize_t n; (n = ::read(controller, buffer, sizeof buffer)) > 0;)
        written.append(buffer, static_cast<std::size_t>(n));
    ::close(controller);
    const std::string a = "live 0:00  0.0/0 fps  latency 0/0 ms  dropped 0  overruns 0  tempo -";
    const std::string b = "live 0:01  0.0/0 fps  latency 0/0 ms  dropped 0  overruns 0  tempo -";
    // The terminal turns "\n" into "\r\n".
    EXPECT_EQ(written, "\r" + a + "\x1b[K\r" + b + "\x1b[K\r" + b + "\x1b[K\r\n");
}

TEST(FrameLog, OneRowPerShownFrameInPlaceWhenFinished) {
    const fs::path dir = bgv::test::fresh_temp_dir("live_frame_log");
    const fs::path path = dir / "frames.csv";
    FrameLog log(path);
    log.write({0, 0.0, 0.1234567, 123.456, false, 0, 0.5});
    log.write({1, 0.041666, 0.165, 123.4, true, 127.95, 1.2345678e-3});
    EXPECT_FALSE(fs::exists(path));
    log.finish();
    EXPECT_EQ(bgv::read_file_text(path),
              "frame,audio_time,shown_time,latency_ms,beat,tempo,power\n"
              "0,0.0000,0.1235,123.46,0,0.00,0.5\n"
              "1,0.0417,0.1650,123.40,1,127.95,0.00123457\n");
}

TEST(FrameLog, AnUnfinishedLogLeavesNothing) {
    const fs::path dir = bgv::test::fresh_temp_dir("live_frame_log_unfinished");
    {
        FrameLog log(dir / "frames.csv");
        log.write({0, 0.0, 0.1, 100, false, 0, 0.5});
    }
    EXPECT_TRUE(fs::is_empty(dir));
}

}  // namespace
