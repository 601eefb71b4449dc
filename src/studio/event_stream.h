// studio/event_stream: the sending end of a streamed answer (Server-Sent Events). Any thread may
// send; the server's event loop writes what was sent when the client can take it, so an open
// stream holds no thread.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace bgv::studio {

class EventStream {
  public:
    // Bytes sent but not yet taken by the client above which the client counts as gone (a client
    // that stops reading must not make the server hold its events without bound).
    static constexpr std::size_t kMaxPendingBytes = std::size_t{1} << 20;

    // Queues `text`; false when the stream is closed (the client went, or too far behind).
    bool send(std::string_view text);
    // Ends the stream after what was sent.
    void finish();
    bool is_open() const;

    // For the server. attach() gives the function that tells the event loop there is something
    // to write (called without the stream's lock held); take() moves the pending text out.
    void attach(std::function<void()> wake);
    struct Taken {
        std::string text;
        bool finished = false;
        bool closed = false;
    };
    Taken take();
    void close();  // the connection ended

  private:
    mutable std::mutex mutex_;
    std::string pending_;
    bool finished_ = false;
    bool closed_ = false;
    std::function<void()> wake_;
};

}  // namespace bgv::studio
