// studio/http_connection: one client connection of the studio's server, driven by its event loop:
// reads requests with deadlines and limits as bytes arrive, hands complete ones to the server,
// writes answers (text, files by range, event streams) as the socket accepts them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "studio/http_message.h"
#include "studio/http_request_reader.h"

namespace bgv::studio {

using Clock = std::chrono::steady_clock;

// The limits a connection enforces; every one is stated in docs/studio.md with what a client gets.
struct ServerLimits {
    std::size_t max_head_bytes = 16 << 10;        // request line and headers: else 431
    std::chrono::seconds head_timeout{10};        // from a request's first byte: else 408
    std::chrono::seconds idle_timeout{30};        // a connection with no request: closed
    double min_body_bytes_per_second = 64 << 10;  // after head_timeout of grace: else 408
    std::chrono::seconds write_timeout{60};       // a client that takes no byte: closed
    std::chrono::seconds heartbeat{15};           // a comment on a quiet event stream
    std::chrono::milliseconds linger{2000};       // reading what follows a refusal
    std::int64_t max_body_bytes = 1 << 20;        // a route's body by default: else 413
    int max_connections = 1024;                   // open at once: else 503
    int max_connections_per_client = 256;         // from one address: else 429
    int workers = 4;                              // handlers of quick routes
    int slow_workers = 2;                         // handlers of slow routes (uploads)
};

// What the server decided about a request once its head arrived.
struct RoutePlan {
    int route = -1;
    std::int64_t max_body = 0;
    std::unique_ptr<BodySink> sink;  // null: the body is kept in HttpRequest::body
};

class Connection;

// What a connection asks of its server.
class ConnectionHost {
  public:
    virtual ~ConnectionHost() = default;
    // Checks the head (Host, Origin, token) and finds the route; throws HttpError to refuse.
    virtual RoutePlan plan(HttpRequest& request) = 0;
    // Runs the route's handler elsewhere; the answer comes back through Connection::respond.
    virtual void dispatch(std::uint64_t connection, int route,
                          std::unique_ptr<HttpRequest> request) = 0;
    // A function any thread may call to have the loop call Connection::send_stream.
    virtual std::function<void()> stream_waker(std::uint64_t connection) = 0;
};

class Connection {
  public:
    Connection(int fd, std::uint64_t id, std::string peer, const ServerLimits& limits,
               ConnectionHost& host, Clock::time_point now);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    int fd() const { return fd_; }
    const std::string& peer() const { return peer_; }
    bool finished() const { return stage_ == Stage::closed; }
    std::uint32_t wanted_events() const;  // EPOLLIN / EPOLLOUT

    void on_readable(Clock::time_point now);
    void on_writable(Clock::time_point now);
    void on_error();  // EPOLLERR / EPOLLHUP
    void on_tick(Clock::time_point now);
    void respond(std::unique_ptr<HttpResponse> response, Clock::time_point now);
    void send_stream(Clock::time_point now);

  private:
    enum class Stage { head, body, handling, writing, streaming, lingering, closed };

    void consume(std::string_view data, Clock::time_point now);
    void on_head(Clock::time_point now);
    void on_body_complete();
    void refuse(int status, const std::string& message, Clock::time_point now);
    void write_head(const HttpResponse& response, std::int64_t length, const HeaderList& extra);
    void flush(Clock::time_point now);
    void after_response(Clock::time_point now);
    void next_request(Clock::time_point now);
    void resume(Clock::time_point now);  // reads a pipelined request once this one is answered
    void close();

    int fd_;
    std::uint64_t id_;
    std::string peer_;
    const ServerLimits& limits_;
    ConnectionHost& host_;
    Stage stage_ = Stage::head;
    std::optional<RequestReader> reader_;
    RoutePlan plan_;
    std::string unread_;  // bytes of the next request that came with this one
    bool consuming_ = false;
    bool keep_alive_ = true;
    bool head_only_ = false;  // HEAD: the answer's head only
    std::string range_;       // the request's Range header
    std::string out_;         // bytes to write
    std::size_t out_sent_ = 0;
    int file_fd_ = -1;  // a file being sent, from file_at_ for file_left_ bytes
    std::int64_t file_at_ = 0;
    std::int64_t file_left_ = 0;
    std::shared_ptr<EventStream> stream_;
    bool stream_done_ = false;
    Clock::time_point stage_since_;   // this stage began
    Clock::time_point first_byte_;    // of the request's head
    Clock::time_point last_written_;  // a byte left, or the answer began
};

}  // namespace bgv::studio
