#include "studio/http_connection.h"

#include <fmt/format.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "studio/byte_range.h"

namespace bgv::studio {

namespace {
constexpr std::size_t kReadBytes = 64 << 10;
constexpr int kReadsPerEvent = 16;  // then other connections get their turn
constexpr std::string_view kHeartbeat = ": keep-alive\n\n";

std::string chunk(std::string_view text) {
    return fmt::format("{:x}\r\n{}\r\n", text.size(), text);
}
}  // namespace

Connection::Connection(int fd, std::uint64_t id, std::string peer, const ServerLimits& limits,
                       ConnectionHost& host, Clock::time_point now)
    : fd_(fd), id_(id), peer_(std::move(peer)), limits_(limits), host_(host) {
    next_request(now);
}

Connection::~Connection() {
    close();
}

void Connection::close() {
    if (stream_)
        stream_->close();
    stream_.reset();
    if (file_fd_ >= 0)
        ::close(file_fd_);
    file_fd_ = -1;
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
    stage_ = Stage::closed;
}

std::uint32_t Connection::wanted_events() const {
    const bool pending = out_sent_ < out_.size() || file_left_ > 0;
    switch (stage_) {
        case Stage::head:
        case Stage::body:
            return EPOLLIN | (pending ? EPOLLOUT : 0u);
        case Stage::handling:
            return 0;  // nothing is read until the answer is out (and nothing to write)
        case Stage::writing:
            return pending ? EPOLLOUT : 0u;
        case Stage::streaming:
            return EPOLLIN | (pending ? EPOLLOUT : 0u);  // EPOLLIN tells when the client leaves
        case Stage::lingering:
            return EPOLLIN;
        case Stage::closed:
            return 0;
    }
    return 0;
}

void Connection::next_request(Clock::time_point now) {
    reader_.emplace(limits_.max_head_bytes);
    plan_ = {};
    stage_ = Stage::head;
    stage_since_ = now;
    first_byte_ = now;
    head_only_ = false;
    range_.clear();
    stream_.reset();
    stream_done_ = false;
}

void Connection::resume(Clock::time_point now) {
    // Within consume(), its own loop reads what is left (no recursion, however many requests
    // a client pipelines).
    if (consuming_ || stage_ != Stage::head || unread_.empty())
        return;
    const std::string pipelined = std::move(unread_);
    unread_.clear();
    consume(pipelined, now);
}

void Connection::on_readable(Clock::time_point now) {
    char buffer[kReadBytes];
    for (int i = 0; i < kReadsPerEvent && stage_ != Stage::closed; ++i) {
        const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
        if (got < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (errno == EINTR)
                continue;
            close();
            return;
        }
        if (got == 0) {
            // The client finished sending. A request under way will never be complete; one being
            // answered is still answered (handling and writing do not read).
            close();
            return;
        }
        if (stage_ == Stage::lingering || stage_ == Stage::streaming)
            continue;  // read and dropped
        consume(std::string_view(buffer, static_cast<std::size_t>(got)), now);
        if (stage_ != Stage::head && stage_ != Stage::body)
            return;
    }
}

void Connection::consume(std::string_view data, Clock::time_point now) {
    consuming_ = true;
    while (!data.empty()) {
        try {
            if (stage_ == Stage::head) {
                const bool started = reader_->head_started();
                const std::size_t used = reader_->read_head(data);
                if (!started && reader_->head_started())
                    first_byte_ = now;
                data.remove_prefix(used);
                if (reader_->head_complete())
                    on_head(now);
            } else if (stage_ == Stage::body) {
                HttpRequest& request = reader_->request();
                const std::size_t used =
                    reader_->read_body(data, plan_.max_body, [&](std::string_view payload) {
                        if (plan_.sink)
                            plan_.sink->write(payload);
                        else
                            request.body.append(payload);
                    });
                data.remove_prefix(used);
                if (reader_->body_complete())
                    on_body_complete();
            } else if (stage_ == Stage::lingering || stage_ == Stage::closed) {
                break;  // what follows a refusal is dropped
            } else {
                // The next request, pipelined: read once this one is answered.
                unread_.append(data);
                break;
            }
        } catch (const HttpError& error) {
            // Answered at once; with keep-alive, the loop goes on with the next request.
            refuse(error.status(), error.what(), now);
        }
    }
    consuming_ = false;
}

void Connection::on_head(Clock::time_point now) {
    HttpRequest& request = reader_->request();
    request.peer = peer_;
    keep_alive_ = reader_->keep_alive();
    head_only_ = request.method == "HEAD";
    range_ = request.header("range");
    plan_ = host_.plan(request);
    if (const auto length = reader_->content_length(); length && *length > plan_.max_body)
        throw HttpError(413, fmt::format("the body's {} bytes are more than the {} allowed",
                                         *length, plan_.max_body));
    stage_ = Stage::body;
    stage_since_ = now;
    if (!reader_->has_body()) {
        on_body_complete();
        return;
    }
    if (reader_->expects_continue()) {
        out_ += "HTTP/1.1 100 Continue\r\n\r\n";
        flush(now);
    }
}

void Connection::on_body_complete() {
    if (plan_.sink)
        plan_.sink->finish();
    stage_ = Stage::handling;
    auto request = std::make_unique<HttpRequest>(std::move(reader_->request()));
    request->sink = std::move(plan_.sink);
    host_.dispatch(id_, plan_.route, std::move(request));
}

void Connection::refuse(int status, const std::string& message, Clock::time_point now) {
    auto response = std::make_unique<HttpResponse>();
    send_error(*response, status, message);
    // What the client still sends of this request is never read: the connection ends after.
    if (!reader_->body_complete())
        keep_alive_ = false;
    if (plan_.sink)
        plan_.sink.reset();  // an upload cut short is not kept
    respond(std::move(response), now);
}

void Connection::write_head(const HttpResponse& response, std::int64_t length,
                            const HeaderList& extra) {
    out_ += fmt::format("HTTP/1.1 {} {}\r\n", response.status, reason_phrase(response.status));
    out_ += fmt::format("Content-Type: {}\r\n", response.content_type);
    if (length >= 0)
        out_ += fmt::format("Content-Length: {}\r\n", length);
    else
        out_ += "Transfer-Encoding: chunked\r\n";
    out_ += keep_alive_ ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    out_ += "X-Content-Type-Options: nosniff\r\n";
    for (const auto& [name, value] : response.headers)
        out_ += fmt::format("{}: {}\r\n", name, value);
    for (const auto& [name, value] : extra)
        out_ += fmt::format("{}: {}\r\n", name, value);
    out_ += "\r\n";
}

void Connection::respond(std::unique_ptr<HttpResponse> response, Clock::time_point now) {
    if (stage_ == Stage::closed)
        return;
    stage_ = Stage::writing;
    stage_since_ = now;
    last_written_ = now;
    if (response->stream) {
        keep_alive_ = false;  // a stream ends with its connection
        write_head(*response, -1, {{"Cache-Control", "no-store"}});
        stream_ = std::move(response->stream);
        stage_ = Stage::streaming;
        stream_->attach(host_.stream_waker(id_));
    } else if (response->file) {
        const std::int64_t size = response->file->size;
        const RangeAnswer range =
            range_.empty() || response->status != 200 ? RangeAnswer{} : resolve_range(range_, size);
        if (range.kind == RangeAnswer::Kind::unsatisfiable) {
            HttpResponse refusal;
            send_error(refusal, 416,
                       fmt::format("the range '{}' starts past the end of the file's {} bytes",
                                   range_.substr(0, 80), size));
            write_head(refusal, static_cast<std::int64_t>(refusal.body.size()),
                       {{"Content-Range", fmt::format("bytes */{}", size)}});
            if (!head_only_)
                out_ += refusal.body;
        } else {
            const bool part = range.kind == RangeAnswer::Kind::part;
            if (part)
                response->status = 206;
            file_at_ = part ? range.first : 0;
            file_left_ = head_only_ ? 0 : part ? range.length : size;
            HeaderList extra = {{"Accept-Ranges", "bytes"}};
            if (part)
                extra.emplace_back("Content-Range",
                                   fmt::format("bytes {}-{}/{}", range.first,
                                               range.first + range.length - 1, size));
            write_head(*response, part ? range.length : size, extra);
            file_fd_ = response->file->fd;
            response->file->fd = -1;  // now the connection's
        }
    } else {
        write_head(*response, static_cast<std::int64_t>(response->body.size()), {});
        if (!head_only_)
            out_ += response->body;
    }
    flush(now);
    resume(now);
}

void Connection::send_stream(Clock::time_point now) {
    if (stage_ != Stage::streaming || !stream_)
        return;
    EventStream::Taken taken = stream_->take();
    if (taken.closed) {
        close();
        return;
    }
    if (!taken.text.empty())
        out_ += chunk(taken.text);
    if (taken.finished && !stream_done_) {
        out_ += "0\r\n\r\n";
        stream_done_ = true;
    }
    flush(now);
}

void Connection::flush(Clock::time_point now) {
    while (stage_ != Stage::closed) {
        if (out_sent_ == out_.size()) {
            out_.clear();
            out_sent_ = 0;
            if (file_left_ == 0)
                break;
            // The next piece of the file.
            out_.resize(static_cast<std::size_t>(
                std::min<std::int64_t>(file_left_, static_cast<std::int64_t>(kReadBytes))));
            const ssize_t got = ::pread(file_fd_, out_.data(), out_.size(), file_at_);
            if (got <= 0) {
                close();  // the file shrank or failed: the client sees a short answer
                return;
            }
            out_.resize(static_cast<std::size_t>(got));
            file_at_ += got;
            file_left_ -= got;
        }
        const ssize_t sent =
            ::send(fd_, out_.data() + out_sent_, out_.size() - out_sent_, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (errno == EINTR)
                continue;
            close();
            return;
        }
        out_sent_ += static_cast<std::size_t>(sent);
        last_written_ = now;
    }
    if (stage_ == Stage::writing || (stage_ == Stage::streaming && stream_done_))
        after_response(now);
}

void Connection::on_writable(Clock::time_point now) {
    flush(now);
    resume(now);
}

void Connection::after_response(Clock::time_point now) {
    if (file_fd_ >= 0)
        ::close(file_fd_);
    file_fd_ = -1;
    if (keep_alive_) {
        next_request(now);
        return;
    }
    if (reader_->body_complete()) {
        close();  // the whole request was read: nothing left to answer with a reset
        return;
    }
    // Lingering close: the client may still be sending what was refused; closing now would
    // answer that with a reset that can destroy the answer before the client reads it.
    ::shutdown(fd_, SHUT_WR);
    stage_ = Stage::lingering;
    stage_since_ = now;
}

void Connection::on_error() {
    close();
}

void Connection::on_tick(Clock::time_point now) {
    const auto since = now - stage_since_;
    switch (stage_) {
        case Stage::head:
            if (!reader_->head_started()) {
                if (since > limits_.idle_timeout)
                    close();
            } else if (now - first_byte_ > limits_.head_timeout) {
                refuse(408,
                       fmt::format("the request's head took more than {} s",
                                   limits_.head_timeout.count()),
                       now);
            }
            return;
        case Stage::body: {
            const double allowed =
                static_cast<double>(limits_.head_timeout.count()) +
                static_cast<double>(reader_->body_bytes()) / limits_.min_body_bytes_per_second;
            if (std::chrono::duration<double>(since).count() > allowed)
                refuse(408,
                       fmt::format("the body arrives slower than {} kB/s",
                                   limits_.min_body_bytes_per_second / 1024),
                       now);
            return;
        }
        case Stage::streaming:
            if (out_sent_ == out_.size() && now - last_written_ > limits_.heartbeat &&
                !stream_done_) {
                out_ += chunk(kHeartbeat);
                flush(now);
                return;
            }
            [[fallthrough]];
        case Stage::writing:
            if ((out_sent_ < out_.size() || file_left_ > 0) &&
                now - last_written_ > limits_.write_timeout)
                close();
            return;
        case Stage::lingering:
            if (since > limits_.linger)
                close();
            return;
        case Stage::handling:
        case Stage::closed:
            return;
    }
}

}  // namespace bgv::studio
