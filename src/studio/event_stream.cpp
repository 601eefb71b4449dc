#include "studio/event_stream.h"

namespace bgv::studio {

bool EventStream::send(std::string_view text) {
    std::function<void()> wake;
    {
        const std::lock_guard lock(mutex_);
        if (closed_ || finished_)
            return false;
        if (pending_.size() + text.size() > kMaxPendingBytes) {
            closed_ = true;
            pending_.clear();
        } else {
            pending_.append(text);
        }
        wake = wake_;
    }
    if (wake)
        wake();
    return is_open();
}

void EventStream::finish() {
    std::function<void()> wake;
    {
        const std::lock_guard lock(mutex_);
        if (closed_ || finished_)
            return;
        finished_ = true;
        wake = wake_;
    }
    if (wake)
        wake();
}

bool EventStream::is_open() const {
    const std::lock_guard lock(mutex_);
    return !closed_;
}

void EventStream::attach(std::function<void()> wake) {
    {
        const std::lock_guard lock(mutex_);
        wake_ = wake;
    }
    // What was sent before the stream was attached is written now.
    wake();
}

EventStream::Taken EventStream::take() {
    const std::lock_guard lock(mutex_);
    Taken taken{std::move(pending_), finished_, closed_};
    pending_.clear();
    return taken;
}

void EventStream::close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    pending_.clear();
    wake_ = nullptr;
}

}  // namespace bgv::studio
