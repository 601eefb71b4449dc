// live/osc_server: live control over OSC: a UDP server (127.0.0.1 by default) with one address per
// live-changeable option, /bigganviz/NAME, that checks each message against the option's type and
// range and hands the change to the live loop through a queue. Bad messages are counted, logged
// and ignored. Generic: the options come from the caller's schema.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "live/audio_block.h"
#include "live/dropping_queue.h"

namespace bgv::live {

struct OscOption {
    enum class Type { int_list, float_value, int_value, boolean };
    std::string name;  // the address is the prefix + name: /bigganviz/truncation
    Type type = Type::float_value;
    // Every value (each element of an int list) lies in [min, max]; booleans have no range.
    double min = 0;
    double max = 0;
    // How many values an int list takes (/bigganviz/classes i i i: 1 to 3, say).
    int min_count = 1;
    int max_count = 1;
};

struct OptionChange {
    std::string name;
    std::variant<std::vector<int>, float, int, bool> value;
};

class OscServer {
  public:
    // Listens on UDP `bind_address`:`port` (port 0: a free port, see port()). Throws when the
    // port is taken or an option is malformed.
    OscServer(std::vector<OscOption> options, int port, std::string bind_address = "127.0.0.1",
              std::string prefix = "/bigganviz/");
    ~OscServer();
    OscServer(const OscServer&) = delete;
    OscServer& operator=(const OscServer&) = delete;

    // The next accepted change, waiting up to `timeout`; changes arrive in the order sent.
    std::optional<OptionChange> next_change(Clock::duration timeout);
    int port() const { return port_; }
    const std::string& bind_address() const { return bind_address_; }
    // Messages taken (changes queued) and refused (malformed, unknown address, wrong type or
    // count, out of range), bundles' messages counted one by one.
    std::int64_t accepted() const { return accepted_.load(); }
    std::int64_t refused() const { return refused_.load(); }

  private:
    void serve();
    void handle_packet(std::span<std::uint8_t> packet, int depth);
    void handle_message(std::span<std::uint8_t> message);
    void refuse(const std::string& address, const std::string& reason);

    std::vector<OscOption> options_;
    std::string prefix_;
    std::string bind_address_;
    int port_ = 0;
    int socket_ = -1;
    int wake_ = -1;  // an eventfd: written to stop the server's thread
    DroppingQueue<OptionChange> changes_{1024};
    std::atomic<std::int64_t> accepted_{0};
    std::atomic<std::int64_t> refused_{0};
    std::thread thread_;
};

}  // namespace bgv::live
