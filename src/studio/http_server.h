// studio/http_server: the studio's HTTP/1.1 server. One event loop (epoll) owns every socket and
// does all reading and writing, enforcing deadlines and size limits as bytes arrive; a complete
// request goes to a small pool of workers; an event stream stays in the loop and holds no thread.
// (Why not cpp-httplib: docs/studio.md, "Connections".)
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "studio/http_connection.h"
#include "studio/http_message.h"

namespace bgv::studio {

// Where a route's body goes as it arrives (created once the head passed every check).
using SinkFactory = std::function<std::unique_ptr<BodySink>(const HttpRequest& request)>;

struct RouteOptions {
    bool slow = false;           // runs on the slow workers (seconds or minutes of work)
    std::int64_t max_body = -1;  // bytes; -1: ServerLimits::max_body_bytes
    SinkFactory sink;            // null: the body is kept in HttpRequest::body
};

class HttpServer {
  public:
    using Handler = std::function<void(HttpRequest& request, HttpResponse& response)>;
    // Sees every request's head before its body is read or a route is chosen; throws HttpError to
    // refuse it.
    using HeadCheck = std::function<void(const HttpRequest& request)>;

    explicit HttpServer(ServerLimits limits = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // `pattern` is an ECMAScript regular expression matched against the whole decoded path; its
    // groups become HttpRequest::matches. A GET route answers HEAD too.
    void add_route(std::string method, const std::string& pattern, Handler handler,
                   RouteOptions options = {});
    void set_head_check(HeadCheck check);
    // Binds `host`:`port` (0: any free port); returns the port. Throws bgv::Error.
    int listen(const std::string& host, int port);
    void start();  // the loop and the workers
    void stop();   // closes every connection; handlers already running finish first

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace bgv::studio
