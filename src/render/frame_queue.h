// render/frame_queue: the hand-over between the generator thread and the encoder: a queue of at
// most `capacity` batches, so memory stays bounded however long the song is, and the first
// error on either side stops both.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <vector>

namespace bgv::render {

struct FrameBatch {
    std::int64_t piece = 0;
    std::int64_t first_frame = 0;
    int count = 0;
    std::vector<std::uint8_t> rgb;  // count x R x R x 3
};

class FrameQueue {
  public:
    explicit FrameQueue(std::size_t capacity) : capacity_(capacity) {}

    // Blocks while full; returns false when the consumer has stopped.
    bool push(FrameBatch batch) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopped_ || batches_.size() < capacity_; });
        if (stopped_)
            return false;
        batches_.push_back(std::move(batch));
        changed_.notify_all();
        return true;
    }

    // The next batch; nothing once the producer has closed the queue and it is empty. Rethrows
    // the producer's error.
    std::optional<FrameBatch> pop() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return closed_ || !batches_.empty(); });
        if (error_)
            std::rethrow_exception(error_);
        if (batches_.empty())
            return std::nullopt;
        FrameBatch batch = std::move(batches_.front());
        batches_.pop_front();
        changed_.notify_all();
        return batch;
    }

    // Producer: no more batches (with the error that ended it, if any).
    void close(std::exception_ptr error = nullptr) {
        std::lock_guard lock(mutex_);
        closed_ = true;
        error_ = error;
        changed_.notify_all();
    }

    // Consumer: stop the producer (on an error, or when done).
    void stop() {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        changed_.notify_all();
    }

  private:
    std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<FrameBatch> batches_;
    bool closed_ = false;
    bool stopped_ = false;
    std::exception_ptr error_;
};

}  // namespace bgv::render
