#include "live/osc_server.h"

#include <arpa/inet.h>
#include <lo/lo.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/error.h"
#include "core/log.h"
#include "osc/osc_argument.h"

namespace bgv::live {

namespace {

constexpr int kMaxBundleDepth = 8;
constexpr std::int64_t kLoggedRefusals = 50;  // then only counted: a flood must not flood stderr

// One OSC argument as a number, when its type is numeric.
std::optional<double> number(char type, const lo_arg* arg) {
    switch (type) {
        case LO_INT32:
            return osc::read_arg<std::int32_t>(arg);
        case LO_INT64:
            return static_cast<double>(osc::read_arg<std::int64_t>(arg));
        case LO_FLOAT:
            return osc::read_arg<float>(arg);
        case LO_DOUBLE:
            return osc::read_arg<double>(arg);
        default:
            return std::nullopt;
    }
}

std::string range_text(const OscOption& option) {
    return fmt::format("{} to {}", option.min, option.max);
}

// The change `types` and `args` make to `option`, or why they make none. Controllers send what
// their widgets hold: a float for an int option is taken when it is whole (TouchOSC's faders and
// buttons send floats), 0/1 (int or float) for a boolean as well as T/F.
std::variant<OptionChange, std::string> check_value(const OscOption& option, std::string_view types,
                                                    lo_arg** args) {
    using Type = OscOption::Type;
    const auto count = static_cast<int>(types.size());
    const auto whole = [&](int i) -> std::optional<int> {
        const auto value = number(types[i], args[i]);
        if (!value || !std::isfinite(*value) || *value != std::floor(*value))
            return std::nullopt;
        if (*value < option.min || *value > option.max)
            return std::nullopt;
        return static_cast<int>(*value);
    };
    switch (option.type) {
        case Type::boolean: {
            if (count != 1)
                return fmt::format("expected one boolean, got {} values", count);
            if (types[0] == LO_TRUE || types[0] == LO_FALSE)
                return OptionChange{option.name, types[0] == LO_TRUE};
            const auto value = number(types[0], args[0]);
            if (value && (*value == 0 || *value == 1))
                return OptionChange{option.name, *value == 1};
            return std::string("expected a boolean (T, F, 0 or 1)");
        }
        case Type::float_value: {
            if (count != 1)
                return fmt::format("expected one number, got {} values", count);
            const auto value = number(types[0], args[0]);
            if (!value)
                return fmt::format("expected a number, got type '{}'", types[0]);
            if (!std::isfinite(*value))
                return fmt::format("{} is not a finite number", *value);
            if (*value < option.min || *value > option.max)
                return fmt::format("{} is outside {}", *value, range_text(option));
            return OptionChange{option.name, static_cast<float>(*value)};
        }
        case Type::int_value: {
            if (count != 1)
                return fmt::format("expected one whole number, got {} values", count);
            if (const auto value = whole(0))
                return OptionChange{option.name, *value};
            return fmt::format("expected a whole number from {}", range_text(option));
        }
        case Type::int_list: {
            if (count < option.min_count || count > option.max_count)
                return fmt::format("expected {} to {} whole numbers, got {}", option.min_count,
                                   option.max_count, count);
            std::vector<int> values;
            for (int i = 0; i < count; ++i) {
                const auto value = whole(i);
                if (!value)
                    return fmt::format("value {} is not a whole number from {}", i + 1,
                                       range_text(option));
                values.push_back(*value);
            }
            return OptionChange{option.name, std::move(values)};
        }
    }
    return std::string("unknown option type");
}

std::uint32_t read_big_endian(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

}  // namespace

OscServer::OscServer(std::vector<OscOption> options, int port, std::string bind_address,
                     std::string prefix)
    : options_(std::move(options)),
      prefix_(std::move(prefix)),
      bind_address_(std::move(bind_address)) {
    for (const auto& option : options_) {
        if (option.name.empty() || option.name.find('/') != std::string::npos)
            fail("OSC option name '{}': expected a name without '/'", option.name);
        if (option.type != OscOption::Type::boolean && !(option.min <= option.max))
            fail("OSC option {}: range {} to {} is empty", option.name, option.min, option.max);
        if (option.type == OscOption::Type::int_list &&
            (option.min_count < 1 || option.min_count > option.max_count))
            fail("OSC option {}: {} to {} values", option.name, option.min_count, option.max_count);
    }
    if (port < 0 || port > 65535)
        fail_usage("--osc {}: expected a UDP port from 1 to 65535", port);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, bind_address_.c_str(), &address.sin_addr) != 1)
        fail_usage("OSC address {}: expected an IPv4 address such as 127.0.0.1", bind_address_);
    socket_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (socket_ < 0)
        fail("cannot make a UDP socket for OSC: {}", std::strerror(errno));
    if (::bind(socket_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const int error = errno;
        ::close(socket_);
        fail("cannot listen for OSC on {}:{}: {}", bind_address_, port, std::strerror(error));
    }
    socklen_t length = sizeof address;
    ::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    wake_ = ::eventfd(0, EFD_CLOEXEC);
    if (wake_ < 0) {
        ::close(socket_);
        fail("cannot make an eventfd: {}", std::strerror(errno));
    }
    thread_ = std::thread([this] { serve(); });
}

OscServer::~OscServer() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_, &one, sizeof one);
    thread_.join();
    ::close(wake_);
    ::close(socket_);
    changes_.close();
}

std::optional<OptionChange> OscServer::next_change(Clock::duration timeout) {
    return changes_.pop(timeout);
}

void OscServer::serve() {
    std::vector<std::uint8_t> packet(65536);
    pollfd fds[2] = {{socket_, POLLIN, 0}, {wake_, POLLIN, 0}};
    for (;;) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            log::warn("OSC: the server stopped: {}", std::strerror(errno));
            return;
        }
        if (fds[1].revents != 0)
            return;
        if ((fds[0].revents & POLLIN) == 0)
            continue;
        const ssize_t size = ::recv(socket_, packet.data(), packet.size(), 0);
        if (size < 0)
            continue;
        handle_packet(std::span(packet.data(), static_cast<std::size_t>(size)), 0);
    }
}

void OscServer::refuse(const std::string& address, const std::string& reason) {
    const std::int64_t count = ++refused_;
    if (count <= kLoggedRefusals)
        log::warn("OSC {}: ignored: {}{}", address.empty() ? "message" : address, reason,
                  count == kLoggedRefusals ? " (further refusals are counted, not shown)" : "");
}

void OscServer::handle_packet(std::span<std::uint8_t> packet, int depth) {
    static constexpr char kBundle[] = "#bundle";  // with its terminating zero: 8 bytes
    if (packet.size() >= 8 && std::memcmp(packet.data(), kBundle, 8) == 0) {
        // "#bundle\0", a time tag (8 bytes; the changes apply at once), then elements, each a
        // big-endian 32-bit size and a message or bundle.
        if (depth >= kMaxBundleDepth)
            return refuse("", "bundles nested too deep");
        std::size_t at = 16;
        while (at + 4 <= packet.size()) {
            const std::uint32_t size = read_big_endian(packet.data() + at);
            at += 4;
            if (size > packet.size() - at || size % 4 != 0)
                return refuse("", "a bundle element runs past the packet's end");
            handle_packet(packet.subspan(at, size), depth + 1);
            at += size;
        }
        if (at != packet.size())
            refuse("", "a bundle ends in the middle of an element's size");
        return;
    }
    handle_message(packet);
}

void OscServer::handle_message(std::span<std::uint8_t> message) {
    int result = 0;
    lo_message parsed = lo_message_deserialise(message.data(), message.size(), &result);
    if (parsed == nullptr)
        return refuse("", fmt::format("not an OSC message (liblo error {})", result));
    // A message that liblo read starts with its address, zero-terminated inside the packet.
    const std::string address(
        reinterpret_cast<const char*>(message.data()),
        strnlen(reinterpret_cast<const char*>(message.data()), message.size()));
    const std::string_view types(lo_message_get_types(parsed),
                                 static_cast<std::size_t>(lo_message_get_argc(parsed)));
    lo_arg** args = lo_message_get_argv(parsed);
    const auto option = std::find_if(options_.begin(), options_.end(), [&](const OscOption& o) {
        return address.size() == prefix_.size() + o.name.size() && address.starts_with(prefix_) &&
               address.ends_with(o.name);
    });
    if (option == options_.end()) {
        lo_message_free(parsed);
        return refuse(address, "no such control");
    }
    auto checked = check_value(*option, types, args);
    lo_message_free(parsed);
    if (auto* reason = std::get_if<std::string>(&checked))
        return refuse(address, *reason);
    ++accepted_;
    changes_.push(std::move(std::get<OptionChange>(checked)));
}

}  // namespace bgv::live
