// live/live_generation: the generator's own thread in a live session: batch 1, the newest frame
// asked for when it is free (a frame asked for while it works replaces the one waiting, which is
// dropped), so a generator slower than the frame rate shows fewer frames and delays nothing else.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "live/live_frame.h"
#include "render/frame_generator.h"

namespace bgv::live {

// One frame to make: its vectors and when it is due on screen.
struct FrameRequest {
    std::int64_t index = 0;
    Clock::time_point presentation_time;
    std::vector<float> z;  // 128
    std::vector<float> y;  // 1000
};

class LiveGeneration {
  public:
    // `deliver` is called on the generator's thread with each frame made; `frame_time` is the
    // first estimate of the time a frame takes (warm_up measures it).
    LiveGeneration(render::FrameGenerator& generator, std::function<void(LiveFrame)> deliver,
                   Clock::duration frame_time);
    ~LiveGeneration();
    LiveGeneration(const LiveGeneration&) = delete;
    LiveGeneration& operator=(const LiveGeneration&) = delete;

    // Asks for a frame; a request still waiting is replaced (and counted in dropped()).
    void request(FrameRequest request);
    // The truncation for the frames after the one being made.
    void set_truncation(double truncation);
    // The time one frame takes, averaged over the last frames, and how much it varies (the
    // average distance of a frame's time from that average).
    Clock::duration frame_time() const;
    Clock::duration frame_time_spread() const;
    std::int64_t made() const { return made_.load(); }
    // The time spent making frames since the start (made() frames).
    Clock::duration busy() const { return std::chrono::nanoseconds(busy_nanoseconds_.load()); }
    std::int64_t dropped() const { return dropped_.load(); }
    // A frame asked for waits for the generator (a request now would replace it).
    bool waiting() const;
    // The index of the frame being made, if one is.
    std::optional<std::int64_t> making() const;
    // When a frame asked for at `now` could be started: now when the generator is idle (or giving
    // up its frame), else when the frame being made (and the one waiting) should be done, by
    // frame_time().
    Clock::time_point free_at(Clock::time_point now) const;
    // Gives up frame `index` if it is still being made: it is never delivered (it counts in
    // dropped()), and the generator takes the next request as soon as it stops (between two
    // of the model's blocks). False when that frame is not being made.
    bool abandon(std::int64_t index);
    // Rethrows the generator's error, if it stopped on one.
    void check() const;
    void stop();

  private:
    void run();

    render::FrameGenerator& generator_;
    std::function<void(LiveFrame)> deliver_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::optional<FrameRequest> waiting_;
    std::optional<std::int64_t> making_;
    Clock::time_point making_since_;
    std::atomic<bool> abandon_{false};
    std::optional<double> truncation_;
    bool stopping_ = false;
    std::exception_ptr error_;
    std::atomic<std::int64_t> frame_nanoseconds_, spread_nanoseconds_{0};
    std::atomic<std::int64_t> made_{0}, dropped_{0}, busy_nanoseconds_{0};
    std::thread thread_;
};

// One frame of `request` made by `generator` (batch 1), due at its presentation time; nothing
// when `abandon` turned true while it was made.
std::optional<LiveFrame> make_frame(render::FrameGenerator& generator, const FrameRequest& request,
                                    const std::atomic<bool>& abandon);
// The time a frame takes: the second of two frames made (the first also sets up the kernels).
Clock::duration warm_up(render::FrameGenerator& generator, const FrameRequest& request);

}  // namespace bgv::live
