#include "features/running_extremes.h"

#include <algorithm>
#include <utility>

#include "core/assert.h"
#include "core/error.h"

namespace bgv::features {

RunningExtremes::RunningExtremes(int window) : window_(window) {
    if (window < 1) {
        fail("a running window must hold at least 1 value, not {}", window);
    }
    // The rings grow (doubling) up to window + 1 slots as a long monotonic run needs them.
    const auto initial = static_cast<std::size_t>(std::min(window, 64)) + 1;
    lows_.ring.resize(initial);
    highs_.ring.resize(initial);
}

void RunningExtremes::grow(Queue& queue) const {
    const std::size_t slots = queue.ring.size();
    const std::size_t larger = std::min(2 * slots, static_cast<std::size_t>(window_) + 1);
    std::vector<Entry> ring(larger);
    for (std::size_t i = 0; i < queue.size; ++i) {
        ring[i] = queue.ring[(queue.head + i) % slots];
    }
    queue.ring = std::move(ring);
    queue.head = 0;
}

// The queue holds the entries that can still become the extreme: their values strictly increase
// (for the minimum) or decrease (for the maximum) from head to tail, so the head is the extreme of
// the window. A new value removes the tail entries it beats; the head leaves when it gets too old.
void RunningExtremes::push_into(Queue& queue, double value, bool keep_larger) {
    if (queue.size + 1 >= queue.ring.size() &&
        queue.ring.size() <= static_cast<std::size_t>(window_)) {
        grow(queue);
    }
    const std::size_t slots = queue.ring.size();
    const auto at = [&](std::size_t i) -> Entry& { return queue.ring[(queue.head + i) % slots]; };
    while (queue.size > 0) {
        const double tail = at(queue.size - 1).value;
        const bool beaten = keep_larger ? tail <= value : tail >= value;
        if (!beaten) {
            break;
        }
        --queue.size;
    }
    at(queue.size) = Entry{count_, value};
    ++queue.size;
    if (at(0).index <= count_ - window_) {
        queue.head = (queue.head + 1) % slots;
        --queue.size;
    }
    BGV_ASSERT(queue.size >= 1 && queue.size <= static_cast<std::size_t>(window_));
}

void RunningExtremes::push(double value) {
    push_into(lows_, value, false);
    push_into(highs_, value, true);
    ++count_;
}

double RunningExtremes::min() const {
    BGV_ASSERT(count_ > 0, "minimum of an empty window");
    return lows_.ring[lows_.head].value;
}

double RunningExtremes::max() const {
    BGV_ASSERT(count_ > 0, "maximum of an empty window");
    return highs_.ring[highs_.head].value;
}

}  // namespace bgv::features
