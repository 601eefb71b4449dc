// Test support for the studio: a TCP connection to a loopback address that sends exactly what a
// test says (slow, partial or hostile requests an HTTP library would not send) and reads answers.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bgv::test {

class RawClient {
  public:
    explicit RawClient(int port, const std::string& address = "127.0.0.1") {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<std::uint16_t>(port));
        ::inet_pton(AF_INET, address.c_str(), &to.sin_addr);
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
            throw std::runtime_error("cannot connect to " + address);
    }
    ~RawClient() { close(); }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    void close() {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }

    // False once the server no longer takes bytes (it closed or reset the connection).
    bool send(std::string_view data) {
        while (!data.empty()) {
            const ssize_t sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (sent <= 0)
                return false;
            data.remove_prefix(static_cast<std::size_t>(sent));
        }
        return true;
    }

    // Reads until `done(received)` is true or the server closed; `seconds` only guards against a
    // test that would otherwise hang (the answer is expected long before).
    template <typename Done>
    std::string read_until(Done done, double seconds = 120) {
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        std::string received;
        char buffer[65536];
        while (!done(received)) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  deadline - std::chrono::steady_clock::now())
                                  .count();
            pollfd wait{fd_, POLLIN, 0};
            if (left <= 0 || ::poll(&wait, 1, static_cast<int>(left)) <= 0)
                break;
            const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
            if (got <= 0) {
                closed_ = true;
                break;
            }
            received.append(buffer, static_cast<std::size_t>(got));
        }
        return received;
    }

    // One answer: its head and as much body as Content-Length says.
    std::string read_answer(double seconds = 120) {
        return read_until(
            [](const std::string& text) {
                const auto end = text.find("\r\n\r\n");
                if (end == std::string::npos)
                    return false;
                const auto at = text.find("Content-Length: ");
                if (at == std::string::npos || at > end)
                    return true;
                return text.size() >= end + 4 + std::stoul(text.substr(at + 16));
            },
            seconds);
    }
    // Everything until the server closes the connection.
    std::string read_to_end(double seconds = 120) {
        return read_until([](const std::string&) { return false; }, seconds);
    }
    bool closed_by_server() const { return closed_; }

  private:
    int fd_ = -1;
    bool closed_ = false;
};

// 200 from "HTTP/1.1 200 OK\r\n..."; 0 when there is no status line.
inline int status_of(const std::string& answer) {
    if (!answer.starts_with("HTTP/1.1 ") || answer.size() < 12)
        return 0;
    return std::stoi(answer.substr(9, 3));
}

inline std::string body_of(const std::string& answer) {
    const auto end = answer.find("\r\n\r\n");
    return end == std::string::npos ? std::string() : answer.substr(end + 4);
}

}  // namespace bgv::test
