#include "live/live_generation.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace bgv::live {

namespace {
// The frame time is an exponential average over about this many frames.
constexpr double kAverageWeight = 0.2;
}  // namespace

LiveGeneration::LiveGeneration(render::FrameGenerator& generator,
                               std::function<void(LiveFrame)> deliver, Clock::duration frame_time)
    : generator_(generator),
      deliver_(std::move(deliver)),
      frame_nanoseconds_(std::chrono::duration_cast<std::chrono::nanoseconds>(frame_time).count()),
      thread_([this] { run(); }) {}

LiveGeneration::~LiveGeneration() {
    stop();
}

void LiveGeneration::request(FrameRequest request) {
    {
        std::lock_guard lock(mutex_);
        if (waiting_)
            dropped_.fetch_add(1);
        waiting_ = std::move(request);
    }
    wake_.notify_all();
}

void LiveGeneration::set_truncation(double truncation) {
    std::lock_guard lock(mutex_);
    truncation_ = truncation;
}

Clock::duration LiveGeneration::frame_time() const {
    return std::chrono::nanoseconds(frame_nanoseconds_.load());
}

Clock::duration LiveGeneration::frame_time_spread() const {
    return std::chrono::nanoseconds(spread_nanoseconds_.load());
}

std::optional<LiveFrame> make_frame(render::FrameGenerator& generator, const FrameRequest& request,
                                    const std::atomic<bool>& abandon) {
    const int width = generator.width(), height = generator.height();
    auto rgb =
        std::make_shared<std::vector<std::uint8_t>>(static_cast<std::size_t>(width) * height * 3);
    if (!generator.generate_unless(request.z, request.y, *rgb, abandon))
        return std::nullopt;
    return LiveFrame{request.index, width, height, std::move(rgb), request.presentation_time};
}

Clock::duration warm_up(render::FrameGenerator& generator, const FrameRequest& request) {
    const std::atomic<bool> never{false};
    make_frame(generator, request, never);
    const auto start = Clock::now();
    make_frame(generator, request, never);
    return Clock::now() - start;
}

bool LiveGeneration::waiting() const {
    std::lock_guard lock(mutex_);
    return waiting_.has_value();
}

std::optional<std::int64_t> LiveGeneration::making() const {
    std::lock_guard lock(mutex_);
    return making_;
}

Clock::time_point LiveGeneration::free_at(Clock::time_point now) const {
    std::lock_guard lock(mutex_);
    Clock::time_point free = now;
    if (making_ && !abandon_.load())  // a frame given up stops between two of the model's blocks
        free = std::max(free, making_since_ + frame_time());
    if (waiting_)
        free += frame_time();
    return free;
}

bool LiveGeneration::abandon(std::int64_t index) {
    std::lock_guard lock(mutex_);
    if (making_ != index)
        return false;
    abandon_.store(true);
    return true;
}

void LiveGeneration::check() const {
    std::lock_guard lock(mutex_);
    if (error_)
        std::rethrow_exception(error_);
}

void LiveGeneration::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void LiveGeneration::run() {
    try {
        for (;;) {
            FrameRequest next;
            std::optional<double> truncation;
            {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [&] { return stopping_ || waiting_.has_value(); });
                if (stopping_)
                    return;
                next = std::move(*waiting_);
                waiting_.reset();
                truncation.swap(truncation_);
                making_ = next.index;
                making_since_ = Clock::now();
                abandon_.store(false);
            }
            if (truncation)
                generator_.set_truncation(*truncation);
            const auto start = Clock::now();
            std::optional<LiveFrame> frame = make_frame(generator_, next, abandon_);
            {
                std::lock_guard lock(mutex_);
                making_.reset();
            }
            if (!frame) {  // given up: its time says nothing of a frame's
                dropped_.fetch_add(1);
                continue;
            }
            const double took =
                std::chrono::duration<double, std::nano>(Clock::now() - start).count();
            const double average = static_cast<double>(frame_nanoseconds_.load());
            const double spread = static_cast<double>(spread_nanoseconds_.load());
            frame_nanoseconds_.store(
                static_cast<std::int64_t>(average + kAverageWeight * (took - average)));
            spread_nanoseconds_.store(static_cast<std::int64_t>(
                spread + kAverageWeight * (std::abs(took - average) - spread)));
            busy_nanoseconds_.fetch_add(static_cast<std::int64_t>(took));
            made_.fetch_add(1);
            deliver_(std::move(*frame));
        }
    } catch (...) {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
    }
}

}  // namespace bgv::live
