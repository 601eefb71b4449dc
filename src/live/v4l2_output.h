// live/v4l2_output: --v4l2 /dev/videoN: the live picture written to a V4L2 output device through
// FFmpeg's v4l2 muxer, so that with the v4l2loopback module OBS and video-call apps see it as a
// camera. Frames go out at their presentation times, as yuv420p at the frames' size.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "live/frame_schedule.h"
#include "live/live_frame.h"

namespace bgv::live {

class V4l2Output : public FrameOutput {
  public:
    // Opens `device` now and sets its format (errors are thrown here: not a V4L2 output device,
    // no permission).
    V4l2Output(const std::string& device, int width, int height);
    ~V4l2Output() override;

    void offer(const LiveFrame& frame) override;
    OutputCounts counts() const override;
    std::string name() const override { return "v4l2 " + device_; }
    // Why writing stopped (the device went away), if it did.
    std::optional<std::string> failure() const;

  private:
    struct Device;
    void run();

    std::string device_;
    int width_;
    int height_;
    std::unique_ptr<Device> out_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    FrameSchedule schedule_;
    std::int64_t offered_ = 0;
    std::int64_t written_ = 0;
    std::optional<std::string> failure_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace bgv::live
