#include "studio/http_server.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>
#include <vector>

#include "core/assert.h"
#include "core/error.h"
#include "core/log.h"
#include "studio/listening_socket.h"
#include "studio/worker_pool.h"

namespace bgv::studio {

namespace {
constexpr std::uint64_t kListenKey = 0;
constexpr std::uint64_t kWakeKey = 1;
constexpr auto kTick = std::chrono::milliseconds(250);
constexpr std::size_t kMaxPathBytes = 2048;  // longer paths get 414 before any pattern is tried
constexpr int kReservedFiles = 64;           // descriptors kept for files, logs, renders

// Answers a connection the server will not take, without reading from it, and closes it.
void turn_away(int fd, int status, const std::string& message) {
    HttpResponse response;
    send_error(response, status, message);
    const std::string text = fmt::format(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n"
        "Retry-After: 1\r\nConnection: close\r\n\r\n{}",
        status, reason_phrase(status), response.body.size(), response.body);
    [[maybe_unused]] const auto sent =
        ::send(fd, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(fd);
}

}  // namespace

struct HttpServer::Impl final : ConnectionHost {
    struct Route {
        std::string method;
        std::regex pattern;
        Handler handler;
        RouteOptions options;
    };
    struct Entry {
        std::unique_ptr<Connection> connection;
        std::uint32_t events = 0;  // registered with epoll
    };

    explicit Impl(ServerLimits limits_) : limits(limits_) {}
    ~Impl() override {
        for (const int fd : {listen_fd, epoll_fd, wake_fd}) {
            if (fd >= 0)
                ::close(fd);
        }
    }

    RoutePlan plan(HttpRequest& request) override;
    void dispatch(std::uint64_t connection, int route,
                  std::unique_ptr<HttpRequest> request) override;
    std::function<void()> stream_waker(std::uint64_t connection) override {
        return [this, connection] { post(connection, nullptr); };
    }

    void post(std::uint64_t connection, std::unique_ptr<HttpResponse> response);
    void run();
    void accept_all(Clock::time_point now);
    void take_mail(Clock::time_point now);
    void update(std::uint64_t id);
    void set_listening(bool on);

    ServerLimits limits;
    std::vector<Route> routes;
    HeadCheck head_check;
    int listen_fd = -1;
    int epoll_fd = -1;
    int wake_fd = -1;
    int max_connections = 0;
    std::optional<WorkerPool> workers;
    std::optional<WorkerPool> slow_workers;
    std::thread loop;
    std::atomic<bool> stopping{false};

    // The loop's own (no lock).
    std::map<std::uint64_t, Entry> connections;
    std::map<std::string, int> per_client;
    std::uint64_t next_id = 2;
    bool listening = true;
    bool warned_full = false;

    // What other threads hand the loop.
    std::mutex mail_mutex;
    std::vector<std::pair<std::uint64_t, std::unique_ptr<HttpResponse>>> mail;
    bool mail_signalled = false;
};

RoutePlan HttpServer::Impl::plan(HttpRequest& request) {
    if (head_check)
        head_check(request);
    if (request.path.size() > kMaxPathBytes)
        throw HttpError(414, fmt::format("the path is longer than {} bytes", kMaxPathBytes));
    bool path_known = false;
    for (std::size_t i = 0; i < routes.size(); ++i) {
        const Route& route = routes[i];
        std::smatch match;
        if (!std::regex_match(request.path, match, route.pattern))
            continue;
        path_known = true;
        if (route.method != request.method && !(route.method == "GET" && request.method == "HEAD"))
            continue;
        for (std::size_t g = 1; g < match.size(); ++g)
            request.matches.push_back(match[g].str());
        RoutePlan plan;
        plan.route = static_cast<int>(i);
        plan.max_body =
            route.options.max_body >= 0 ? route.options.max_body : limits.max_body_bytes;
        if (route.options.sink)
            plan.sink = route.options.sink(request);
        return plan;
    }
    if (path_known)
        throw HttpError(405, fmt::format("{} is not a method of {}", request.method.substr(0, 20),
                                         request.path));
    throw HttpError(404, "no such address");
}

void HttpServer::Impl::dispatch(std::uint64_t connection, int route,
                                std::unique_ptr<HttpRequest> request) {
    const Route& chosen = routes.at(static_cast<std::size_t>(route));
    std::shared_ptr<HttpRequest> shared(std::move(request));
    (chosen.options.slow ? *slow_workers : *workers)
        .post([this, connection, &chosen, shared]() mutable {
            auto response = std::make_unique<HttpResponse>();
            try {
                chosen.handler(*shared, *response);
            } catch (const HttpError& error) {
                response = std::make_unique<HttpResponse>();
                send_error(*response, error.status(), error.what());
            } catch (const std::exception& error) {
                // A bug: every error a request can cause is answered with its 4xx by the route.
                log::warn("studio: {} {}: {}", shared->method, shared->path, describe(error));
                response = std::make_unique<HttpResponse>();
                send_error(*response, 500, describe(error));
            }
            // The request goes before its answer (an upload's staging folder with it), so that a
            // client that has its answer sees what the request left, not what it is still clearing.
            shared.reset();
            post(connection, std::move(response));
        });
}

void HttpServer::Impl::post(std::uint64_t connection, std::unique_ptr<HttpResponse> response) {
    bool signal = false;
    {
        const std::lock_guard lock(mail_mutex);
        mail.emplace_back(connection, std::move(response));
        signal = !mail_signalled;
        mail_signalled = true;
    }
    if (signal) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(wake_fd, &one, sizeof one);
    }
}

void HttpServer::Impl::take_mail(Clock::time_point now) {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto got = ::read(wake_fd, &count, sizeof count);
    std::vector<std::pair<std::uint64_t, std::unique_ptr<HttpResponse>>> taken;
    {
        const std::lock_guard lock(mail_mutex);
        taken.swap(mail);
        mail_signalled = false;
    }
    std::vector<std::uint64_t> streams;
    for (auto& [id, response] : taken) {
        const auto it = connections.find(id);
        if (it == connections.end())
            continue;  // the client left while its request was handled
        if (response) {
            it->second.connection->respond(std::move(response), now);
            update(id);
        } else {
            streams.push_back(id);
        }
    }
    std::sort(streams.begin(), streams.end());
    streams.erase(std::unique(streams.begin(), streams.end()), streams.end());
    for (const std::uint64_t id : streams) {
        if (const auto it = connections.find(id); it != connections.end()) {
            it->second.connection->send_stream(now);
            update(id);
        }
    }
}

void HttpServer::Impl::update(std::uint64_t id) {
    const auto it = connections.find(id);
    if (it == connections.end())
        return;
    Entry& entry = it->second;
    if (entry.connection->finished()) {  // its descriptor is closed, which leaves epoll
        const std::string& peer = entry.connection->peer();
        if (--per_client[peer] <= 0)
            per_client.erase(peer);
        connections.erase(it);
        if (!listening)
            set_listening(true);
        return;
    }
    const std::uint32_t wanted = entry.connection->wanted_events();
    if (wanted == entry.events)
        return;
    epoll_event event{};
    event.events = wanted;
    event.data.u64 = id;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, entry.connection->fd(), &event);
    entry.events = wanted;
}

void HttpServer::Impl::set_listening(bool on) {
    epoll_event event{};
    event.events = on ? EPOLLIN : 0u;
    event.data.u64 = kListenKey;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, listen_fd, &event);
    listening = on;
}

void HttpServer::Impl::accept_all(Clock::time_point now) {
    for (;;) {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&address), &length,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE) {
                log::warn("studio: out of file descriptors; new connections wait");
                set_listening(false);  // until a connection closes
            }
            return;
        }
        const std::string peer = peer_address(address);
        if (static_cast<int>(connections.size()) >= max_connections) {
            if (!warned_full)
                log::warn("studio: {} connections open, the most it takes; turning new ones away",
                          max_connections);
            warned_full = true;
            turn_away(fd, 503,
                      fmt::format("the studio has {} connections open, the most it "
                                  "takes; try again later",
                                  max_connections));
            continue;
        }
        warned_full = false;
        int& from_peer = per_client[peer];
        if (from_peer >= limits.max_connections_per_client) {
            turn_away(fd, 429,
                      fmt::format("{} has {} connections open, the most one client may "
                                  "have",
                                  peer, from_peer));
            continue;
        }
        ++from_peer;
        const int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        const std::uint64_t id = next_id++;
        Entry& entry = connections[id];
        entry.connection = std::make_unique<Connection>(fd, id, peer, limits, *this, now);
        entry.events = entry.connection->wanted_events();
        epoll_event event{};
        event.events = entry.events;
        event.data.u64 = id;
        ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
    }
}

void HttpServer::Impl::run() {
    std::vector<epoll_event> events(256);
    auto last_tick = Clock::now();
    while (!stopping) {
        const int count = ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()),
                                       static_cast<int>(kTick.count()));
        const auto now = Clock::now();
        for (int i = 0; i < count; ++i) {
            const std::uint64_t key = events[static_cast<std::size_t>(i)].data.u64;
            const std::uint32_t flags = events[static_cast<std::size_t>(i)].events;
            if (key == kListenKey) {
                accept_all(now);
                continue;
            }
            if (key == kWakeKey) {
                take_mail(now);
                continue;
            }
            const auto it = connections.find(key);
            if (it == connections.end())
                continue;
            Connection& connection = *it->second.connection;
            if (flags & EPOLLIN)
                connection.on_readable(now);
            if ((flags & EPOLLOUT) && !connection.finished())
                connection.on_writable(now);
            if ((flags & (EPOLLERR | EPOLLHUP)) && !connection.finished())
                connection.on_error();
            update(key);
        }
        if (now - last_tick >= kTick) {
            last_tick = now;
            std::vector<std::uint64_t> ids;
            ids.reserve(connections.size());
            for (auto& [id, entry] : connections) {
                entry.connection->on_tick(now);
                ids.push_back(id);
            }
            for (const std::uint64_t id : ids)
                update(id);
        }
    }
    connections.clear();
}

HttpServer::HttpServer(ServerLimits limits) : impl_(std::make_unique<Impl>(limits)) {}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::add_route(std::string method, const std::string& pattern, Handler handler,
                           RouteOptions options) {
    impl_->routes.push_back(
        {std::move(method), std::regex(pattern), std::move(handler), std::move(options)});
}

void HttpServer::set_head_check(HeadCheck check) {
    impl_->head_check = std::move(check);
}

int HttpServer::listen(const std::string& host, int port) {
    const ListeningSocket socket = listen_on(host, port);
    impl_->listen_fd = socket.fd;
    return socket.port;
}

void HttpServer::start() {
    Impl& s = *impl_;
    BGV_ASSERT(s.listen_fd >= 0);
    s.max_connections =
        std::max(1, std::min(s.limits.max_connections, raise_descriptor_limit() - kReservedFiles));
    s.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    s.wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (s.epoll_fd < 0 || s.wake_fd < 0)
        fail("cannot start the studio's event loop: {}", std::strerror(errno));
    for (const auto& [fd, key] : {std::pair{s.listen_fd, kListenKey}, {s.wake_fd, kWakeKey}}) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = key;
        ::epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, fd, &event);
    }
    s.workers.emplace(s.limits.workers);
    s.slow_workers.emplace(s.limits.slow_workers);
    s.loop = std::thread([&s] { s.run(); });
}

void HttpServer::stop() {
    Impl& s = *impl_;
    if (!s.loop.joinable())
        return;
    s.stopping = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(s.wake_fd, &one, sizeof one);
    s.loop.join();
    s.workers->stop();
    s.slow_workers->stop();
}

}  // namespace bgv::studio
