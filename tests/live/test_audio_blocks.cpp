// The live audio path without a sound server: the --input grammar, the dropping queue, the
// capture clock, and a file delivered by the clock-paced playback ("none") against
// audio::load_mono (its resampling is resample/'s streaming one, tested in tests/resample).
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <thread>

#include "audio/load.h"
#include "live/audio_input.h"
#include "live/block_maker.h"
#include "live/capture_clock.h"
#include "live/dropping_queue.h"
#include "live/input_source.h"
#include "live_harness.h"
#include "support/errors.h"
#include "support/numeric.h"

using namespace bgv;
using namespace bgv::live;
using namespace std::chrono_literals;

namespace {

TEST(InputSource, DevicesAndFiles) {
    const auto check = [](std::string_view text, InputSource::Kind kind, std::string format,
                          std::string device, std::string path) {
        SCOPED_TRACE(std::string(text));
        const InputSource source = parse_input_source(text);
        EXPECT_EQ(source.kind, kind);
        EXPECT_EQ(source.format, format);
        EXPECT_EQ(source.device, device);
        EXPECT_EQ(source.path, path);
    };
    using enum InputSource::Kind;
    check("pulse", device, "pulse", "default", "");
    check("pulse:alsa_output.pci-0000_00_1f.3.analog-stereo.monitor", device, "pulse",
          "alsa_output.pci-0000_00_1f.3.analog-stereo.monitor", "");
    check("alsa:hw:1", device, "alsa", "hw:1", "");
    check("alsa", device, "alsa", "default", "");
    check("jack", device, "jack", "bigganviz", "");
    check("song.ogg", file, "", "", "song.ogg");
    check("./pulse", file, "", "", "./pulse");
    check("pulseaudio.wav", file, "", "", "pulseaudio.wav");
    check("/music/alsa:take 2.flac", file, "", "", "/music/alsa:take 2.flac");
    EXPECT_EQ(parse_input_source("pulse:x.monitor").text(), "pulse:x.monitor");
    EXPECT_EQ(test::error_of([] { parse_input_source(""); }),
              "--input needs a source: pulse, pulse:NAME, alsa:DEVICE, jack or a file");
    EXPECT_EQ(test::error_of([] { parse_input_source("alsa:"); }),
              "--input alsa:: the device name after ':' is empty");
}

TEST(DroppingQueue, DropsTheOldestWhenFullAndCountsIt) {
    DroppingQueue<int> queue(3);
    for (int i = 0; i < 5; ++i)
        EXPECT_TRUE(queue.push(i));
    EXPECT_EQ(queue.dropped(), 2);
    EXPECT_EQ(queue.pushed(), 5);
    EXPECT_EQ(queue.size(), 3u);
    EXPECT_EQ(queue.try_pop(), 2);  // 0 and 1 made room
    EXPECT_EQ(queue.pop(0ms), 3);
    queue.close();
    EXPECT_FALSE(queue.push(9));  // refused once closed
    EXPECT_FALSE(queue.drained());
    EXPECT_EQ(queue.pop(10s), 4);  // what was queued is still taken
    EXPECT_TRUE(queue.drained());
    EXPECT_EQ(queue.pop(10s), std::nullopt);  // closed and empty: no wait
}

// A consumer waiting on an empty queue wakes for the push from another thread (the wait is
// bounded by a minute only so that a broken queue fails instead of hanging).
TEST(DroppingQueue, AWaitingConsumerWakesForAPush) {
    DroppingQueue<int> queue(2);
    std::thread producer([&] { queue.push(7); });
    EXPECT_EQ(queue.pop(60s), 7);
    producer.join();
}

// The capture clock puts sample k at origin + k / rate, the origin being the earliest any
// arrival allows: arrivals late by a varying delay (a busy reading thread) give the times of the
// prompt ones, here exactly the true capture times plus the smallest delay (1 ms).
TEST(CaptureClock, LateArrivalsDoNotDelayTheSound) {
    const int rate = 48000;
    CaptureClock clock(rate);
    const Clock::time_point start{};
    std::mt19937 random(3);
    std::uniform_int_distribution<int> late_ms(1, 80);
    std::int64_t captured = 0;
    for (int fragment = 0; fragment < 400; ++fragment) {
        const std::int64_t count = 480;
        captured += count;
        // The fragment's last sample was captured at captured / rate; it arrives later.
        const auto delay = std::chrono::milliseconds(fragment == 0 ? 1 : late_ms(random));
        const auto arrival = start +
                             std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(double(captured) / rate)) +
                             delay;
        const Clock::time_point first = clock.arrived(count, arrival);
        const double want = static_cast<double>(captured - count) / rate + 0.001;
        EXPECT_NEAR(std::chrono::duration<double>(first - start).count(), want, 1e-6)
            << "fragment " << fragment;
    }
}

// A sound card running 0.1 % fast against the system clock: the window lets the origin follow,
// so the times stay within a window's drift (4 s × 0.1 % = 4 ms) of the truth instead of growing
// without bound (60 ms after the minute simulated here).
TEST(CaptureClock, FollowsASoundCardThatDrifts) {
    const int rate = 48000;
    const double card_speed = 1.001;  // card seconds per system second
    CaptureClock clock(rate);
    const Clock::time_point start{};
    std::int64_t captured = 0;
    double worst = 0;
    for (int fragment = 0; fragment < 6000; ++fragment) {
        captured += 480;
        const double system_seconds = static_cast<double>(captured) / rate / card_speed;
        const auto arrival = start + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(system_seconds));
        const Clock::time_point first = clock.arrived(480, arrival);
        const double want = static_cast<double>(captured - 480) / rate / card_speed;
        worst =
            std::max(worst, std::abs(std::chrono::duration<double>(first - start).count() - want));
    }
    EXPECT_LT(worst, 0.0045);
}

// At the analysis's rate a device's runs pass through unchanged, each block timed from its run's
// time; when a run's time moves earlier than the samples before it allow (the capture clock found
// a more prompt arrival), a short block still comes after the one before it, and the blocks after
// it follow their own run's time again (no lateness carried on).
TEST(BlockMaker, BlocksFollowTheirRunsTimesInOrder) {
    using namespace std::chrono_literals;
    BlockMaker maker(kLiveSampleRate);
    const Clock::time_point t0 = Clock::now();
    const std::vector<float> long_run(220, 0.5f), short_run(4, 0.5f);
    const AudioBlock a = maker.add(long_run, t0);
    EXPECT_EQ(a.first_sample, 0);
    EXPECT_EQ(a.samples, long_run);
    EXPECT_EQ(a.first_sample_time, t0);
    // 4 samples said to start 1 ms earlier than the first block: placed just after it.
    const AudioBlock b = maker.add(short_run, t0 - 1ms);
    EXPECT_EQ(b.first_sample, 220);
    EXPECT_GT(b.first_sample_time, a.first_sample_time);
    EXPECT_LT(b.first_sample_time, a.first_sample_time + 10us);
    // The next run, 0.5 ms after the first block's time: its own time, not later.
    const AudioBlock c = maker.add(long_run, t0 + 500us);
    EXPECT_EQ(c.first_sample, 224);
    EXPECT_EQ(c.first_sample_time, t0 + 500us);
}

// A file given as --input with playback "none" (nothing heard, paced by the clock) delivers the
// samples librosa.load gives it (audio::load_mono: the same mixing and soxr recipe) in blocks that
// continue each other, each timed exactly at its position (the paced clock is exact: 1 µs allows
// for rounding to the clock's nanoseconds), and heard_now() on the same line (0.01 sample), on
// three files: mono 22050 Hz, stereo 44.1 kHz FLAC, stereo 48 kHz.
TEST(FilePlayback, DeliversTheFileAsLibrosaLoadsIt) {
    for (const char* name : {"chords_3s.wav", "race1_jt_4s.flac", "sweep_48k_3s.wav"}) {
        SCOPED_TRACE(name);
        const auto path = test::kLiveData / name;
        InputSettings settings;
        settings.playback = "none";
        auto input = open_audio_input(parse_input_source(path.string()), settings);
        std::vector<float> samples;
        std::optional<AudioBlock> first;
        double worst_time = 0;
        double worst_heard = 0;  // heard_now() against the blocks' times, in samples
        int heard_checked = 0;
        const auto deadline = Clock::now() + 60s;
        while (!input->ended() && Clock::now() < deadline) {
            auto block = input->next_block(200ms);
            if (!block)
                continue;
            ASSERT_EQ(block->first_sample, static_cast<std::int64_t>(samples.size()));
            if (!first)
                first = *block;
            const double want = static_cast<double>(block->first_sample) / kLiveSampleRate;
            const double got =
                std::chrono::duration<double>(block->first_sample_time - first->first_sample_time)
                    .count();
            worst_time = std::max(worst_time, std::abs(got - want));
            samples.insert(samples.end(), block->samples.begin(), block->samples.end());
            // The playback clock: which sample is at the loudspeaker now lies on the line the
            // blocks' times draw (away from its ends, where it stops at 0 and at what was
            // written).
            const HeardPosition heard = input->heard_now();
            const double on_line =
                static_cast<double>(block->first_sample) +
                std::chrono::duration<double>(heard.time - block->first_sample_time).count() *
                    kLiveSampleRate;
            if (heard.sample > 0 && on_line > 0 && on_line < static_cast<double>(samples.size())) {
                worst_heard = std::max(worst_heard, std::abs(heard.sample - on_line));
                ++heard_checked;
            }
        }
        ASSERT_TRUE(input->ended());
        EXPECT_EQ(input->overruns(), 0);
        EXPECT_LT(worst_time, 1e-6);
        EXPECT_GT(heard_checked, 10);
        EXPECT_LT(worst_heard, 0.01);
        const std::vector<float> want = audio::load_mono(path, kLiveSampleRate).samples;
        EXPECT_NEAR(static_cast<double>(samples.size()), static_cast<double>(want.size()), 2);
        const std::size_t common = std::min(samples.size(), want.size()) - 2;
        EXPECT_LT(
            test::max_abs_error(std::span(samples).first(common), std::span(want).first(common)),
            1e-6);
    }
}

TEST(FilePlayback, ErrorsNameTheFileOrTheOutput) {
    InputSettings settings;
    settings.playback = "none";
    const std::string missing = test::error_of(
        [&] { open_audio_input(parse_input_source("/no/such/song.ogg"), settings); });
    EXPECT_EQ(missing.rfind("cannot open /no/such/song.ogg: ", 0), 0u) << missing;
    settings.playback = "speakers";
    const std::string output = test::error_of([&] {
        open_audio_input(parse_input_source((test::kLiveData / "chords_3s.wav").string()),
                         settings);
    });
    EXPECT_EQ(output, "audio output 'speakers': expected pulse, alsa or none");
}

}  // namespace
