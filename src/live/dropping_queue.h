// live/dropping_queue: the hand-over between a live producer that must never wait (the audio
// reader, the generator) and a consumer that may fall behind (an output, the analysis): a bounded
// queue that, when full, drops its oldest item and counts it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

#include "core/assert.h"

namespace bgv::live {

template <typename T>
class DroppingQueue {
  public:
    explicit DroppingQueue(std::size_t capacity) : capacity_(capacity) { BGV_ASSERT(capacity > 0); }

    // Never waits for the consumer: when the queue is full the oldest item makes room (counted
    // in dropped()). Returns false, keeping nothing, once the queue is closed.
    bool push(T item) {
        {
            std::lock_guard lock(mutex_);
            if (closed_)
                return false;
            if (items_.size() == capacity_) {
                items_.pop_front();
                ++dropped_;
            }
            items_.push_back(std::move(item));
            ++pushed_;
        }
        changed_.notify_all();
        return true;
    }

    // The oldest item, waiting up to `timeout` for one; nothing on timeout, or once the queue is
    // closed and empty.
    template <typename Rep, typename Period>
    std::optional<T> pop(std::chrono::duration<Rep, Period> timeout) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); });
        return take(lock);
    }

    std::optional<T> try_pop() {
        std::unique_lock lock(mutex_);
        return take(lock);
    }

    // No more items: waiting consumers wake, later pushes are refused. Items already queued can
    // still be taken.
    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        changed_.notify_all();
    }

    // Closed and every item taken.
    bool drained() const {
        std::lock_guard lock(mutex_);
        return closed_ && items_.empty();
    }
    std::int64_t dropped() const {
        std::lock_guard lock(mutex_);
        return dropped_;
    }
    std::int64_t pushed() const {
        std::lock_guard lock(mutex_);
        return pushed_;
    }
    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return items_.size();
    }
    std::size_t capacity() const { return capacity_; }

  private:
    std::optional<T> take(std::unique_lock<std::mutex>&) {
        if (items_.empty())
            return std::nullopt;
        T item = std::move(items_.front());
        items_.pop_front();
        return item;
    }

    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<T> items_;
    std::int64_t dropped_ = 0;
    std::int64_t pushed_ = 0;
    bool closed_ = false;
};

}  // namespace bgv::live
