// studio/render_events: the renders' progress as Server-Sent Events: a stream per render (for
// scripts) or one stream for every render (the page's). One thread turns the render queue's
// changes into events for all streams, so an open stream holds no thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "studio/event_stream.h"
#include "studio/render_queue.h"

namespace bgv::studio {

class RenderEvents {
  public:
    // Takes the queue's change notifications: construct before the queue starts.
    explicit RenderEvents(RenderQueue& queue);
    ~RenderEvents();
    RenderEvents(const RenderEvents&) = delete;
    RenderEvents& operator=(const RenderEvents&) = delete;

    void start();
    void stop();
    // Render `id` now and after each change; the stream ends once it is final or deleted.
    void follow(std::shared_ptr<EventStream> stream, const std::string& id);
    // The renders not yet final now, then every render after each of its changes; a deleted one
    // as {"id": ID, "state": "deleted"}. The stream does not end.
    void follow_all(std::shared_ptr<EventStream> stream);

  private:
    struct Follower {
        std::shared_ptr<EventStream> stream;
        std::string id;            // empty: every render
        bool fresh = true;         // nothing sent yet
        bool in_snapshot = false;  // fresh when this round's snapshot of the queue was taken
    };
    void run();
    void publish();
    void wake();

    RenderQueue& queue_;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool dirty_ = false;
    bool stopping_ = false;
    std::uint64_t version_ = 0;        // the queue's version sent to every follower
    std::vector<Follower> followers_;  // guarded by mutex_; published on this class's thread
    std::thread thread_;
};

}  // namespace bgv::studio
