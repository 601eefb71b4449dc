#include "live/window.h"

#include <SDL2/SDL.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "core/error.h"
#include "core/log.h"
#include "live/frame_schedule.h"

namespace bgv::live {

namespace {

[[noreturn]] void fail_sdl(std::string_view what) {
    fail("{}: {}", what, SDL_GetError());
}

std::optional<KeyEvent> key_event(SDL_Keycode key) {
    using Action = KeyEvent::Action;
    switch (key) {
        case SDLK_SPACE:
            return KeyEvent{Action::new_classes};
        case SDLK_UP:
            return KeyEvent{Action::truncation_up};
        case SDLK_DOWN:
            return KeyEvent{Action::truncation_down};
        case SDLK_f:
            return KeyEvent{Action::fullscreen};
        case SDLK_q:
            return KeyEvent{Action::quit};
        default:
            if (key >= SDLK_1 && key <= SDLK_9)
                return KeyEvent{Action::preset, static_cast<int>(key - SDLK_0)};
            return std::nullopt;
    }
}

// The largest rectangle of the frame's aspect ratio inside the output, centred (black bars on the
// other sides).
SDL_Rect fit(int frame_width, int frame_height, int output_width, int output_height) {
    const double scale = std::min(static_cast<double>(output_width) / frame_width,
                                  static_cast<double>(output_height) / frame_height);
    const int width = static_cast<int>(frame_width * scale + 0.5);
    const int height = static_cast<int>(frame_height * scale + 0.5);
    return {(output_width - width) / 2, (output_height - height) / 2, width, height};
}

}  // namespace

// The SDL objects, created, used and destroyed on the window's thread.
struct Window::Sdl {
    SDL_Window* window = nullptr;
    SDL_Renderer* renderer = nullptr;
    SDL_Texture* texture = nullptr;
    int texture_width = 0;
    int texture_height = 0;

    ~Sdl() {
        if (texture != nullptr)
            SDL_DestroyTexture(texture);
        if (renderer != nullptr)
            SDL_DestroyRenderer(renderer);
        if (window != nullptr)
            SDL_DestroyWindow(window);
        // All of SDL: the window is its only user in bigganviz, and SDL_Quit frees what the
        // video subsystem alone keeps (its event queue, hints).
        SDL_Quit();
    }

    void draw(const LiveFrame& frame) {
        if (texture == nullptr || texture_width != frame.width || texture_height != frame.height) {
            if (texture != nullptr)
                SDL_DestroyTexture(texture);
            texture = SDL_CreateTexture(renderer, SDL_PIXELFORMAT_RGB24,
                                        SDL_TEXTUREACCESS_STREAMING, frame.width, frame.height);
            if (texture == nullptr)
                fail_sdl("cannot make the window's picture");
            // Linear filtering: the picture is scaled smoothly, not in blocks.
            SDL_SetTextureScaleMode(texture, SDL_ScaleModeLinear);
            texture_width = frame.width;
            texture_height = frame.height;
        }
        SDL_UpdateTexture(texture, nullptr, frame.rgb->data(), frame.width * 3);
        redraw();
    }

    WindowState state() const {
        WindowState state;
        SDL_GetWindowSize(window, &state.width, &state.height);
        state.fullscreen = fullscreen();
        state.display = std::max(0, SDL_GetWindowDisplayIndex(window));
        SDL_Rect bounds{};
        SDL_GetDisplayBounds(state.display, &bounds);
        state.display_width = bounds.w;
        state.display_height = bounds.h;
        return state;
    }

    bool fullscreen() const {
        return (SDL_GetWindowFlags(window) & SDL_WINDOW_FULLSCREEN_DESKTOP) != 0;
    }

    // Fullscreen at the display's own resolution, without the mouse pointer over the picture.
    void set_fullscreen(bool on) {
        SDL_SetWindowFullscreen(window, on ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
        SDL_ShowCursor(on ? SDL_DISABLE : SDL_ENABLE);
    }

    void redraw() {
        int width = 0;
        int height = 0;
        SDL_GetRendererOutputSize(renderer, &width, &height);
        SDL_SetRenderDrawColor(renderer, 0, 0, 0, 255);
        SDL_RenderClear(renderer);
        if (texture != nullptr) {
            const SDL_Rect target = fit(texture_width, texture_height, width, height);
            SDL_RenderCopy(renderer, texture, nullptr, &target);
        }
        SDL_RenderPresent(renderer);
    }
};

Window::Window(WindowSettings settings) : settings_(std::move(settings)) {
    if (settings_.width <= 0 || settings_.height <= 0)
        fail("window size {}x{} must be positive", settings_.width, settings_.height);
    std::promise<void> opened;
    std::future<void> ready = opened.get_future();
    thread_ = std::thread([this, opened = std::move(opened)]() mutable { run(opened); });
    try {
        ready.get();
    } catch (...) {
        thread_.join();
        throw;
    }
}

Window::~Window() {
    stop_ = true;
    wake();
    if (thread_.joinable())
        thread_.join();
}

void Window::wake() const {
    // One wake-up event waiting is enough, however many frames come before the thread runs.
    if (wake_event_ == 0 || wake_pending_.exchange(true))
        return;
    SDL_Event event{};
    event.type = wake_event_;
    SDL_PushEvent(&event);  // thread-safe; wakes SDL_WaitEvent on the window's thread
}

void Window::offer(const LiveFrame& frame) {
    {
        std::lock_guard lock(state_mutex_);
        ++offered_;
    }
    frames_.push(frame);
    wake();
}

OutputCounts Window::counts() const {
    std::lock_guard lock(state_mutex_);
    return {offered_, written_, frames_.dropped() + skipped_.load()};
}

std::optional<KeyEvent> Window::next_key(Clock::duration timeout) {
    return keys_.pop(timeout);
}

std::optional<std::string> Window::failure() const {
    std::lock_guard lock(state_mutex_);
    return failure_;
}

WindowState Window::state() const {
    std::lock_guard lock(state_mutex_);
    return state_;
}

bool Window::wait_for_state(const std::function<bool(const WindowState&)>& condition,
                            Clock::duration timeout) const {
    std::unique_lock lock(state_mutex_);
    return state_changed_.wait_for(lock, timeout, [&] { return condition(state_); });
}

void Window::set_fullscreen(bool fullscreen) {
    fullscreen_request_ = fullscreen ? 1 : 0;
    wake();
}

void Window::run(std::promise<void>& opened) {
    Sdl sdl;
    try {
        // bigganviz handles Ctrl-C itself; SDL would turn it into a quit event.
        SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
        SDL_SetHint(SDL_HINT_RENDER_VSYNC, "1");
        if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
            fail_sdl("cannot open a window (no display? use --no_window)");
        // Without a display SDL falls back to drivers that draw nowhere: a window nobody can see
        // is refused, unless asked for by name (SDL_VIDEODRIVER).
        const std::string_view driver = SDL_GetCurrentVideoDriver();
        if ((driver == "offscreen" || driver == "dummy") &&
            std::getenv("SDL_VIDEODRIVER") == nullptr)
            fail(
                "cannot open a window (no display? use --no_window): SDL found no display, only "
                "its '{}' video driver",
                driver);
        const int displays = SDL_GetNumVideoDisplays();
        if (settings_.display < 0 || settings_.display >= displays)
            fail("--display {}: this screen has {} display{} (0 to {})", settings_.display,
                 displays, displays == 1 ? "" : "s", displays - 1);
        wake_event_ = SDL_RegisterEvents(1);
        if (wake_event_ == static_cast<std::uint32_t>(-1))
            fail_sdl("cannot register the window's events");
        Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
        if (settings_.fullscreen)
            flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
        const int position = static_cast<int>(SDL_WINDOWPOS_CENTERED_DISPLAY(settings_.display));
        sdl.window = SDL_CreateWindow(settings_.title.c_str(), position, position, settings_.width,
                                      settings_.height, flags);
        if (sdl.window == nullptr)
            fail_sdl("cannot open a window");
        sdl.renderer = SDL_CreateRenderer(sdl.window, -1, 0);
        if (sdl.renderer == nullptr)
            fail_sdl("cannot draw in the window");
        sdl.redraw();
        opened.set_value();
    } catch (...) {
        opened.set_exception(std::current_exception());
        return;
    }

    publish_state(sdl.state());
    if (settings_.fullscreen)
        SDL_ShowCursor(SDL_DISABLE);

    try {
        show(sdl);
    } catch (const std::exception& e) {
        // The window is gone (the display went away); the session goes on without it.
        const std::string reason = describe(e);
        log::warn("the window stopped: {}", reason);
        std::lock_guard lock(state_mutex_);
        failure_ = reason;
    }
}

void Window::publish_state(const WindowState& state) {
    {
        std::lock_guard lock(state_mutex_);
        state_ = state;
    }
    state_changed_.notify_all();
}

void Window::show(Sdl& sdl) {
    FrameSchedule schedule;
    while (!stop_) {
        // Sleep until an event (a key, the window system, a new frame's wake-up) or the next
        // frame's presentation time.
        int timeout_ms = -1;
        if (const auto due = schedule.next_due()) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(*due - Clock::now());
            timeout_ms = static_cast<int>(std::max<std::int64_t>(0, left.count()));
        }
        SDL_Event event;
        bool have_event = timeout_ms < 0 ? SDL_WaitEvent(&event) == 1
                                         : SDL_WaitEventTimeout(&event, timeout_ms) == 1;
        bool redraw = false;
        wake_pending_ = false;  // before the queues are read: a later offer() wakes again
        while (have_event) {
            if (event.type == SDL_QUIT) {
                keys_.push({KeyEvent::Action::quit});
            } else if (event.type == SDL_KEYDOWN && event.key.repeat == 0) {
                if (auto key = key_event(event.key.keysym.sym)) {
                    if (key->action == KeyEvent::Action::fullscreen)
                        sdl.set_fullscreen(!sdl.fullscreen());
                    keys_.push(*key);
                }
            } else if (event.type == SDL_WINDOWEVENT) {
                if (event.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                    event.window.event == SDL_WINDOWEVENT_MOVED ||
                    event.window.event == SDL_WINDOWEVENT_EXPOSED)
                    redraw = true;
            }
            have_event = SDL_PollEvent(&event) == 1;
        }
        if (const int request = fullscreen_request_.exchange(-1); request >= 0)
            sdl.set_fullscreen(request == 1);
        while (auto frame = frames_.try_pop())
            schedule.add(std::move(*frame));
        auto due = schedule.take_due(Clock::now());
        skipped_ = schedule.skipped();
        if (due) {
            sdl.draw(*due);
            const Clock::time_point shown = Clock::now();
            // Hands what was drawn to the window system now (X11 buffers its requests until the
            // next event poll), so that it is on screen when on_shown runs.
            SDL_PumpEvents();
            {
                std::lock_guard lock(state_mutex_);
                ++written_;
            }
            if (settings_.on_shown)
                settings_.on_shown(*due, shown);
        } else if (redraw) {
            sdl.redraw();
        }
        if (redraw)
            publish_state(sdl.state());
    }
}

}  // namespace bgv::live
