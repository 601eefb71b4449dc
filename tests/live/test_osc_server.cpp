// OSC control: real UDP messages sent to 127.0.0.1 with liblo's client API arrive as checked
// changes; out-of-range, unknown, mistyped and malformed ones are refused and counted. UDP on the
// loopback interface keeps one sender's order, and the server reads one datagram at a time: when
// a valid message sent after bad ones arrives, the bad ones have been judged.
#include <gtest/gtest.h>
#include <lo/lo.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "live/osc_server.h"
#include "support/errors.h"

using namespace bgv::live;
using namespace std::chrono_literals;

namespace {

constexpr auto kDeadline = 30s;

// A schema like the live options': classes (one to three ImageNet classes), truncation, pulse,
// a whole-number option and a switch.
std::vector<OscOption> schema() {
    using Type = OscOption::Type;
    return {
        {"classes", Type::int_list, 0, 999, 1, 3}, {"truncation", Type::float_value, 0.02, 1.0},
        {"pulse", Type::float_value, 0.0, 10.0},   {"smooth", Type::int_value, 1, 50},
        {"offbeat_kicks", Type::boolean},
    };
}

class Client {
  public:
    explicit Client(int port)
        : address_(lo_address_new("127.0.0.1", std::to_string(port).c_str())) {}
    ~Client() { lo_address_free(address_); }
    lo_address get() const { return address_; }

  private:
    lo_address address_;
};

OptionChange next(OscServer& server) {
    auto change = server.next_change(kDeadline);
    EXPECT_TRUE(change) << "no change within the deadline";
    return change.value_or(OptionChange{"(none)", false});
}

TEST(OscServer, ChecksAndDeliversEachKindOfOption) {
    OscServer server(schema(), 0);
    EXPECT_EQ(server.bind_address(), "127.0.0.1");
    ASSERT_GT(server.port(), 0);
    Client client(server.port());
    ASSERT_GT(lo_send(client.get(), "/bigganviz/classes", "iii", 1, 207, 999), 0);
    lo_send(client.get(), "/bigganviz/truncation", "f", 0.4f);
    lo_send(client.get(), "/bigganviz/pulse", "d", 2.5);
    lo_send(client.get(), "/bigganviz/smooth", "i", 12);
    lo_send(client.get(), "/bigganviz/smooth", "f", 20.0f);  // a fader's float, when whole
    lo_send(client.get(), "/bigganviz/offbeat_kicks", "T");
    lo_send(client.get(), "/bigganviz/offbeat_kicks", "f", 0.0f);  // a toggle button's 0
    lo_send(client.get(), "/bigganviz/classes", "i", 5);

    OptionChange c = next(server);
    EXPECT_EQ(c.name, "classes");
    EXPECT_EQ(std::get<std::vector<int>>(c.value), (std::vector<int>{1, 207, 999}));
    c = next(server);
    EXPECT_EQ(c.name, "truncation");
    EXPECT_FLOAT_EQ(std::get<float>(c.value), 0.4f);
    c = next(server);
    EXPECT_EQ(c.name, "pulse");
    EXPECT_FLOAT_EQ(std::get<float>(c.value), 2.5f);
    c = next(server);
    EXPECT_EQ(std::get<int>(c.value), 12);
    c = next(server);
    EXPECT_EQ(std::get<int>(c.value), 20);
    c = next(server);
    EXPECT_EQ(c.name, "offbeat_kicks");
    EXPECT_TRUE(std::get<bool>(c.value));
    c = next(server);
    EXPECT_FALSE(std::get<bool>(c.value));
    c = next(server);
    EXPECT_EQ(std::get<std::vector<int>>(c.value), (std::vector<int>{5}));
    EXPECT_EQ(server.accepted(), 8);
    EXPECT_EQ(server.refused(), 0);
}

// Each bad message is refused alone; the valid one after them arrives, and nothing else did.
TEST(OscServer, RefusesOutOfRangeAndMalformedMessages) {
    OscServer server(schema(), 0);
    Client client(server.port());
    testing::internal::CaptureStderr();
    const std::vector<std::function<void()>> bad = {
        [&] { lo_send(client.get(), "/bigganviz/truncation", "f", 1.5f); },    // above 1
        [&] { lo_send(client.get(), "/bigganviz/truncation", "f", 0.0f); },    // below 0.02
        [&] { lo_send(client.get(), "/bigganviz/truncation", "f", NAN); },     // not a number
        [&] { lo_send(client.get(), "/bigganviz/truncation", "s", "high"); },  // a string
        [&] { lo_send(client.get(), "/bigganviz/truncation", "ff", 0.5f, 0.6f); },
        [&] { lo_send(client.get(), "/bigganviz/classes", "iiii", 1, 2, 3, 4); },  // four
        [&] { lo_send(client.get(), "/bigganviz/classes", "ii", 1, 1000); },       // class 1000
        [&] { lo_send(client.get(), "/bigganviz/classes", "if", 1, 2.5f); },       // not whole
        [&] { lo_send(client.get(), "/bigganviz/smooth", "i", 0); },
        [&] { lo_send(client.get(), "/bigganviz/offbeat_kicks", "i", 2); },
        [&] { lo_send(client.get(), "/bigganviz/volume", "f", 0.5f); },  // no such control
        [&] { lo_send(client.get(), "/other/truncation", "f", 0.5f); },  // another prefix
    };
    for (const auto& send : bad)
        send();
    // Not OSC at all: a datagram of text.
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(server.port()));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const char text[] = "hello";
    ::sendto(fd, text, sizeof text, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    ::close(fd);

    lo_send(client.get(), "/bigganviz/truncation", "f", 0.7f);
    const OptionChange c = next(server);
    EXPECT_EQ(c.name, "truncation");
    EXPECT_FLOAT_EQ(std::get<float>(c.value), 0.7f);
    const std::string log = testing::internal::GetCapturedStderr();
    EXPECT_EQ(server.refused(), static_cast<std::int64_t>(bad.size()) + 1);
    // One line for each, saying what was wrong.
    EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), server.refused()) << log;
    EXPECT_NE(log.find("OSC /bigganviz/truncation: ignored: 1.5 is outside 0.02 to 1\n"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("OSC /bigganviz/classes: ignored: value 2 is not a whole number from 0 "
                       "to 999\n"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("OSC /bigganviz/volume: ignored: no such control\n"), std::string::npos)
        << log;
    EXPECT_EQ(server.accepted(), 1);
    EXPECT_FALSE(server.next_change(0ms));
}

// A bundle (TouchOSC and others send several controls at once) delivers each of its messages.
TEST(OscServer, BundlesDeliverEachMessage) {
    OscServer server(schema(), 0);
    Client client(server.port());
    lo_bundle bundle = lo_bundle_new(LO_TT_IMMEDIATE);
    lo_message truncation = lo_message_new();
    lo_message_add_float(truncation, 0.3f);
    lo_message pulse = lo_message_new();
    lo_message_add_float(pulse, 4.0f);
    lo_bundle_add_message(bundle, "/bigganviz/truncation", truncation);
    lo_bundle_add_message(bundle, "/bigganviz/pulse", pulse);
    ASSERT_GT(lo_send_bundle(client.get(), bundle), 0);
    lo_bundle_free_recursive(bundle);
    EXPECT_EQ(next(server).name, "truncation");
    const OptionChange c = next(server);
    EXPECT_EQ(c.name, "pulse");
    EXPECT_FLOAT_EQ(std::get<float>(c.value), 4.0f);
}

TEST(OscServer, ATakenPortIsAnError) {
    OscServer first(schema(), 0);
    const std::string error =
        bgv::test::error_of([&] { OscServer second(schema(), first.port()); });
    EXPECT_EQ(error, fmt::format("cannot listen for OSC on 127.0.0.1:{}: Address already in use",
                                 first.port()));
}

}  // namespace
