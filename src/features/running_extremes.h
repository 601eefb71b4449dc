// features/running_extremes: the smallest and largest of the last N values of a stream, updated in
// constant amortised time, for the live analysis' normalisation over the last seconds.
#pragma once

#include <cstdint>
#include <vector>

namespace bgv::features {

// Keeps the minimum and maximum of the most recent `window` values pushed (all of them while
// fewer have come). Two monotonic queues in rings that grow to the window's size at most, so that
// a long window costs memory only when the values need it.
class RunningExtremes {
  public:
    explicit RunningExtremes(int window);

    void push(double value);
    bool empty() const { return count_ == 0; }
    double min() const;  // of the last window values; BGV_ASSERTs that one was pushed
    double max() const;
    int window() const { return window_; }

  private:
    struct Entry {
        std::int64_t index = 0;
        double value = 0;
    };
    // A double-ended queue of at most window_ entries in a ring of window_ + 1 slots.
    struct Queue {
        std::vector<Entry> ring;
        std::size_t head = 0;  // oldest entry
        std::size_t size = 0;
    };
    void push_into(Queue& queue, double value, bool keep_larger);
    void grow(Queue& queue) const;

    int window_ = 0;
    std::int64_t count_ = 0;
    Queue lows_, highs_;
};

}  // namespace bgv::features
