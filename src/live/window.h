// live/window: the live picture in an SDL2 window: frames scaled smoothly (linear filtering) to
// fill the window at their aspect ratio, fullscreen on a chosen display, and the performer's keys
// handed to the live loop as events. All SDL calls happen on the window's own thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "live/dropping_queue.h"
#include "live/live_frame.h"

namespace bgv::live {

struct WindowSettings {
    std::string title = "bigganviz live";
    int width = 768;  // the window's size when not fullscreen
    int height = 768;
    bool fullscreen = false;  // fullscreen at the display's own resolution (no mode change)
    int display = 0;          // SDL's display index (--display N)
    // Called on the window's thread right after each frame is on screen, with the moment it was
    // (the frame log's shown_time). Must not block.
    std::function<void(const LiveFrame&, Clock::time_point shown)> on_shown;
};

// The keys of the live show: space = new random classes, up/down = truncation, 1-9 = class
// presets, f = fullscreen (done by the window, reported too), q or closing the window = quit.
struct KeyEvent {
    enum class Action { new_classes, truncation_up, truncation_down, preset, fullscreen, quit };
    Action action = Action::quit;
    int preset = 0;  // 1-9 for Action::preset
};

struct WindowState {
    int width = 0;  // the window's inside, in screen pixels, as the window system last reported it
    int height = 0;
    bool fullscreen = false;
    int display = 0;
    int display_width = 0;  // the size of the display the window is on
    int display_height = 0;
};

class Window : public FrameOutput {
  public:
    // Opens the window (on its thread) before returning; throws when there is no display to open
    // it on or `display` does not exist.
    explicit Window(WindowSettings settings);
    ~Window() override;
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    // Shows `frame` at its presentation time (at once if that has passed).
    void offer(const LiveFrame& frame) override;
    OutputCounts counts() const override;
    std::string name() const override { return "window"; }

    // The next key the performer pressed, waiting up to `timeout`.
    std::optional<KeyEvent> next_key(Clock::duration timeout);
    WindowState state() const;
    // Waits until `condition` holds for the window's state (it changes on the window system's
    // events), up to `timeout`; returns whether it held.
    bool wait_for_state(const std::function<bool(const WindowState&)>& condition,
                        Clock::duration timeout) const;
    // Asks the window thread to switch fullscreen on or off, as the f key does.
    void set_fullscreen(bool fullscreen);
    // Why the window stopped showing frames (an SDL failure after it opened), if it did.
    std::optional<std::string> failure() const;

  private:
    struct Sdl;
    void run(std::promise<void>& opened);
    void show(Sdl& sdl);
    void publish_state(const WindowState& state);
    void wake() const;

    WindowSettings settings_;
    DroppingQueue<LiveFrame> frames_{4};
    DroppingQueue<KeyEvent> keys_{64};
    mutable std::mutex state_mutex_;
    mutable std::condition_variable state_changed_;
    WindowState state_;
    std::optional<std::string> failure_;
    std::int64_t offered_ = 0;
    std::int64_t written_ = 0;
    std::atomic<std::int64_t> skipped_{0};     // frames the schedule passed over
    std::atomic<int> fullscreen_request_{-1};  // -1 none, 0 off, 1 on
    std::atomic<bool> stop_{false};
    std::uint32_t wake_event_ = 0;
    mutable std::atomic<bool> wake_pending_{false};
    std::thread thread_;
};

}  // namespace bgv::live
