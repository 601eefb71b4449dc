// A small HTTP/1.1 server on 127.0.0.1 for the store's tests: serves GET with Range support and
// can misbehave on purpose (drop or stall a connection after K bytes, announce more bytes than it
// has, corrupt a byte, answer 404, redirect, hold a response until released). It stops when
// destroyed, or after a minute anyway.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bgv::testing {

class HttpTestServer {
  public:
    struct Route {
        std::string body;
        int status = 200;         // e.g. 404: answered with a short error page
        int status_times = -1;    // responses that get `status` before the rest are 200; -1: all
        std::string redirect_to;  // non-empty: 302 to this path
        std::int64_t announced_size = -1;    // more than body.size(): a truncated file
        std::int64_t drop_after = -1;        // body bytes a response sends before it is cut off
        int drops = -1;                      // responses cut off before the rest are whole; -1: all
        std::chrono::milliseconds stall{0};  // when cut off: stay silent this long, then close
        bool honour_range = true;
        bool corrupt = false;                          // flip one byte in the middle of the body
        std::chrono::microseconds delay_per_chunk{0};  // 16 KiB chunks
        // Send the first chunk, then wait for release_held() (or the server's end) before the
        // rest: a download a test knows to be under way for as long as it needs.
        bool hold_after_first_chunk = false;
    };

    HttpTestServer();
    ~HttpTestServer();
    HttpTestServer(const HttpTestServer&) = delete;
    HttpTestServer& operator=(const HttpTestServer&) = delete;

    void serve(const std::string& path, Route route);
    std::string url(const std::string& path) const;  // "http://127.0.0.1:PORT/path"
    int port() const { return port_; }

    // Lets the responses held by hold_after_first_chunk, and all later ones, go on.
    void release_held();

    int requests(const std::string& path) const;
    std::vector<std::string> ranges(const std::string& path) const;  // Range header per request

  private:
    void accept_loop();
    void handle(int connection);
    Route route_for(const std::string& path, int& response_number);

    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::condition_variable released_changed_;
    bool released_ = false;  // guarded by mutex_
    std::map<std::string, Route> routes_;
    std::map<std::string, std::vector<std::string>> log_;  // path -> Range header of each request
    std::vector<std::thread> handlers_;
    std::thread acceptor_;
};

}  // namespace bgv::testing
