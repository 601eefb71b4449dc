#include "http_test_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace bgv::testing {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kLifetime = std::chrono::seconds(60);

bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (sent <= 0)
            return false;
        data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
}

// Reads the request head (up to the blank line), at most 16 KiB, with a receive timeout.
std::string read_head(int fd) {
    std::string head;
    char buffer[2048];
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < 16384) {
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0)
            break;
        head.append(buffer, static_cast<std::size_t>(got));
    }
    return head;
}

std::string header_value(const std::string& head, const std::string& name) {
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto at = lower.find("\r\n" + name + ":");
    if (at == std::string::npos)
        return {};
    const auto start = at + 2 + name.size() + 1;
    const auto end = head.find("\r\n", start);
    std::string value = head.substr(start, end - start);
    value.erase(0, value.find_first_not_of(' '));
    return value;
}

// Waits up to `duration` for the peer to close (it gave up on a stalled transfer).
void stall(int fd, std::chrono::milliseconds duration, const std::atomic<bool>& stopping) {
    const auto end = Clock::now() + duration;
    while (Clock::now() < end && !stopping) {
        pollfd entry{.fd = fd, .events = POLLIN, .revents = 0};
        if (::poll(&entry, 1, 20) > 0) {
            char byte;
            if (::recv(fd, &byte, 1, 0) <= 0)
                return;
        }
    }
}

}  // namespace

HttpTestServer::HttpTestServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener_ < 0)
        throw std::runtime_error("test server: socket failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 16) != 0) {
        ::close(listener_);
        throw std::runtime_error("test server: bind/listen on 127.0.0.1 failed");
    }
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

HttpTestServer::~HttpTestServer() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    released_changed_.notify_all();
    acceptor_.join();
    for (auto& handler : handlers_)
        handler.join();
    ::close(listener_);
}

void HttpTestServer::release_held() {
    {
        const std::lock_guard lock(mutex_);
        released_ = true;
    }
    released_changed_.notify_all();
}

void HttpTestServer::serve(const std::string& path, Route route) {
    const std::lock_guard lock(mutex_);
    routes_[path] = std::move(route);
}

std::string HttpTestServer::url(const std::string& path) const {
    return fmt::format("http://127.0.0.1:{}{}", port_, path);
}

int HttpTestServer::requests(const std::string& path) const {
    const std::lock_guard lock(mutex_);
    const auto it = log_.find(path);
    return it == log_.end() ? 0 : static_cast<int>(it->second.size());
}

std::vector<std::string> HttpTestServer::ranges(const std::string& path) const {
    const std::lock_guard lock(mutex_);
    const auto it = log_.find(path);
    return it == log_.end() ? std::vector<std::string>{} : it->second;
}

void HttpTestServer::accept_loop() {
    const auto deadline = Clock::now() + kLifetime;
    while (!stopping_ && Clock::now() < deadline) {
        pollfd entry{.fd = listener_, .events = POLLIN, .revents = 0};
        if (::poll(&entry, 1, 20) <= 0)
            continue;
        const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0)
            continue;
        timeval timeout{.tv_sec = 2, .tv_usec = 0};
        ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        handlers_.emplace_back([this, connection] {
            handle(connection);
            ::close(connection);
        });
    }
}

HttpTestServer::Route HttpTestServer::route_for(const std::string& path, int& response_number) {
    const std::lock_guard lock(mutex_);
    response_number = static_cast<int>(log_[path].size());
    const auto it = routes_.find(path);
    if (it == routes_.end()) {
        Route missing;
        missing.status = 404;
        return missing;
    }
    return it->second;
}

void HttpTestServer::handle(int fd) {
    const std::string head = read_head(fd);
    const auto first_space = head.find(' ');
    const auto second_space = head.find(' ', first_space + 1);
    if (first_space == std::string::npos || second_space == std::string::npos)
        return;
    const std::string path = head.substr(first_space + 1, second_space - first_space - 1);
    const std::string range = header_value(head, "range");
    int response_number = 0;
    const Route route = route_for(path, response_number);
    {
        const std::lock_guard lock(mutex_);
        log_[path].push_back(range);
    }

    if (!route.redirect_to.empty()) {
        send_all(fd, fmt::format("HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: 0\r\n"
                                 "Connection: close\r\n\r\n",
                                 route.redirect_to));
        return;
    }
    if (route.status != 200 && (route.status_times < 0 || response_number < route.status_times)) {
        const std::string page = fmt::format("error {}\n", route.status);
        send_all(fd, fmt::format("HTTP/1.1 {} Error\r\nContent-Length: {}\r\nConnection: "
                                 "close\r\n\r\n{}",
                                 route.status, page.size(), page));
        return;
    }

    const auto size = route.announced_size >= 0 ? route.announced_size
                                                : static_cast<std::int64_t>(route.body.size());
    std::int64_t start = 0;
    if (route.honour_range && range.starts_with("bytes=")) {
        start = std::stoll(range.substr(6));
    }
    if (start > 0 && start >= size) {
        send_all(fd, fmt::format("HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes "
                                 "*/{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                                 size));
        return;
    }
    std::string headers =
        start > 0 ? fmt::format("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {}-{}/{}\r\n",
                                start, size - 1, size)
                  : std::string("HTTP/1.1 200 OK\r\n");
    headers += fmt::format(
        "Content-Length: {}\r\nContent-Type: application/octet-stream\r\n"
        "Connection: close\r\n\r\n",
        size - start);
    if (!send_all(fd, headers))
        return;

    std::string body = route.body;
    if (route.corrupt && !body.empty())
        body[body.size() / 2] = static_cast<char>(body[body.size() / 2] ^ 0x5a);
    const bool cut_off =
        route.drop_after >= 0 && (route.drops < 0 || response_number < route.drops);
    const auto available = static_cast<std::int64_t>(body.size());
    std::int64_t sent = 0;
    for (std::int64_t at = start; at < std::min(size, available) && !stopping_;) {
        std::int64_t chunk = std::min<std::int64_t>(16384, std::min(size, available) - at);
        if (cut_off)
            chunk = std::min(chunk, route.drop_after - sent);
        if (chunk <= 0)
            break;
        if (!send_all(fd, std::string_view(body).substr(static_cast<std::size_t>(at),
                                                        static_cast<std::size_t>(chunk))))
            return;
        at += chunk;
        sent += chunk;
        if (route.delay_per_chunk.count() > 0)
            std::this_thread::sleep_for(route.delay_per_chunk);
        if (route.hold_after_first_chunk) {
            std::unique_lock lock(mutex_);
            released_changed_.wait(lock, [&] { return released_ || stopping_; });
        }
    }
    if (cut_off && route.stall.count() > 0)
        stall(fd, route.stall, stopping_);
    ::shutdown(fd, SHUT_RDWR);
}

}  // namespace bgv::testing
