// The live generator's thread: a frame being made can be given up (for an attack's frame), and is
// then never delivered, counted as dropped, while the next request is made at once.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "live/live_generation.h"

using namespace bgv;
using namespace bgv::live;
using namespace std::chrono_literals;

namespace {

// Makes a frame only when told to (or stops when it is abandoned): each frame's first pixel is
// the first noise value.
class GatedGenerator : public render::FrameGenerator {
  public:
    int width() const override { return 2; }
    int height() const override { return 2; }
    void set_grid(const biggan::Grid&) override {}
    void generate(std::span<const float> z, std::span<const float>, int,
                  std::span<std::uint8_t> rgb) override {
        std::fill(rgb.begin(), rgb.end(), static_cast<std::uint8_t>(z[0]));
    }
    bool generate_unless(std::span<const float> z, std::span<const float> y,
                         std::span<std::uint8_t> rgb, const std::atomic<bool>& abandon) override {
        std::unique_lock lock(mutex_);
        ++started_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return open_ > 0 || abandon.load(); });
        if (open_ == 0)
            return false;
        --open_;
        generate(z, y, 1, rgb);
        return true;
    }
    void open_one() {
        std::lock_guard lock(mutex_);
        ++open_;
        changed_.notify_all();
    }
    // Wakes the waiting frame so it sees `abandon` (set under the generation's own lock).
    void poke() {
        std::lock_guard lock(mutex_);
        changed_.notify_all();
    }
    void wait_started(int count) {
        std::unique_lock lock(mutex_);
        ASSERT_TRUE(changed_.wait_for(lock, 10s, [&] { return started_ >= count; }));
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int started_ = 0, open_ = 0;
};

FrameRequest request(std::int64_t index) {
    return {index, Clock::now(), std::vector<float>(128, static_cast<float>(10 + index)),
            std::vector<float>(1000, 0.0f)};
}

}  // namespace

TEST(LiveGeneration, AFrameGivenUpIsNeverDeliveredAndTheNextIsMadeAtOnce) {
    GatedGenerator generator;
    std::mutex mutex;
    std::condition_variable delivered;
    std::vector<std::pair<std::int64_t, int>> frames;  // index, first pixel
    LiveGeneration generation(
        generator,
        [&](LiveFrame frame) {
            std::lock_guard lock(mutex);
            frames.emplace_back(frame.index, (*frame.rgb)[0]);
            delivered.notify_all();
        },
        10ms);
    generation.request(request(0));
    generator.wait_started(1);
    EXPECT_EQ(generation.making(), 0);
    EXPECT_FALSE(generation.abandon(1));  // not the frame being made
    EXPECT_TRUE(generation.abandon(0));
    generation.request(request(1));
    generator.poke();
    generator.wait_started(2);
    EXPECT_EQ(generation.making(), 1);
    generator.open_one();
    {
        std::unique_lock lock(mutex);
        ASSERT_TRUE(delivered.wait_for(lock, 10s, [&] { return !frames.empty(); }));
    }
    generation.stop();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].first, 1);
    EXPECT_EQ(frames[0].second, 11);
    EXPECT_EQ(generation.dropped(), 1);
    EXPECT_EQ(generation.made(), 1);
    EXPECT_FALSE(generation.making());
}

TEST(LiveGeneration, SaysWhenItCouldStartAFrameAskedNow) {
    GatedGenerator generator;
    LiveGeneration generation(
        generator, [](LiveFrame) {}, 10ms);
    const Clock::time_point now = Clock::now();
    EXPECT_EQ(generation.free_at(now), now);  // idle
    // Making frame 0 (no frame made yet: 10 ms a frame, the first estimate): free 10 ms after it
    // started, whatever the time asked about before that.
    const Clock::time_point before = Clock::now();
    generation.request(request(0));
    generator.wait_started(1);
    const Clock::time_point after = Clock::now();
    const Clock::time_point free = generation.free_at(Clock::time_point{});
    EXPECT_GE(free, before + 10ms);
    EXPECT_LE(free, after + 10ms);
    EXPECT_EQ(generation.free_at(after + 1s), after + 1s);  // later than that: at once
    // A frame waiting goes first: 10 ms more.
    generation.request(request(1));
    EXPECT_EQ(generation.free_at(Clock::time_point{}), free + 10ms);
    // Frame 0 done, frame 1 started and given up: it stops between two blocks, so at once.
    generator.open_one();
    generator.wait_started(2);
    EXPECT_TRUE(generation.abandon(1));
    EXPECT_EQ(generation.free_at(Clock::time_point{}), Clock::time_point{});
    generator.poke();
    generation.stop();
}
