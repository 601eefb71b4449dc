// The studio's Live panel API against the real `bigganviz studio` on 127.0.0.1: GET /api/live
// reads a live session's status file (absent, running, ended, unreadable); POST
// /api/live/control checks values against the option schema and sends OSC messages over UDP to
// the port the status file names. Here that port is a test receiver on 127.0.0.1: a plain UDP
// socket whose datagrams liblo decodes (so the type tags are checked exactly), and the live
// session's own OscServer (so the session would take what the studio sends).
//
// No timing: the studio sends its datagrams before it answers, and UDP on the loopback interface
// keeps one sender's order, so after an answer its datagrams are in the receiver's buffer. The
// receivers' deadlines only bound a failure.
#include <gtest/gtest.h>
#include <lo/lo.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "core/file.h"
#include "live/osc_server.h"
#include "osc/osc_argument.h"
#include "osc/osc_controls.h"
#include "studio_process.h"
#include "support/process.h"

using namespace bgv::test;
using nlohmann::json;

namespace {

constexpr int kDeadlineMs = 30000;

// A UDP socket on 127.0.0.1 (a free port) that hands back each datagram as an OSC message.
class OscReceiver {
  public:
    OscReceiver() {
        socket_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        socklen_t length = sizeof address;
        ::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
    }
    ~OscReceiver() { ::close(socket_); }
    int port() const { return port_; }

    struct Message {
        std::string address;
        std::string types;
        std::vector<double> values;  // ints and floats as numbers; T and F carry none
    };
    // The next datagram, decoded; an empty address when none came before the deadline.
    Message next() {
        pollfd wait{socket_, POLLIN, 0};
        if (::poll(&wait, 1, kDeadlineMs) != 1)
            return {};
        std::vector<std::uint8_t> packet(65536);
        const ssize_t size = ::recv(socket_, packet.data(), packet.size(), 0);
        int result = 0;
        lo_message message =
            lo_message_deserialise(packet.data(), static_cast<std::size_t>(size), &result);
        if (message == nullptr)
            return {"(not OSC)", "", {}};
        Message decoded{
            reinterpret_cast<const char*>(packet.data()), lo_message_get_types(message), {}};
        lo_arg** args = lo_message_get_argv(message);
        for (std::size_t i = 0; i < decoded.types.size(); ++i) {
            if (decoded.types[i] == LO_INT32)
                decoded.values.push_back(bgv::osc::read_arg<std::int32_t>(args[i]));
            else if (decoded.types[i] == LO_FLOAT)
                decoded.values.push_back(bgv::osc::read_arg<float>(args[i]));
        }
        lo_message_free(message);
        return decoded;
    }

  private:
    int socket_ = -1;
    int port_ = 0;
};

// A status file as `bigganviz live --status_file` writes it (src/live/live_session.cpp).
json session_status(int pid, std::optional<int> osc_port) {
    return {{"pid", pid},
            {"input", "pulse"},
            {"osc", osc_port ? json{{"host", "127.0.0.1"}, {"port", *osc_port}} : json(nullptr)},
            {"seconds", 12.5},
            {"fps", 23.5},
            {"target_fps", 24},
            {"latency_p50_ms", 78},
            {"latency_p95_ms", 101},
            {"dropped_frames", 3},
            {"audio_overruns", 0},
            {"tempo_bpm", 124.8},
            {"beat_locked", true},
            {"options", {{"classes", {207, 980}}, {"truncation", 0.4}, {"pulse", 0.5}}},
            {"presets", json::array({{1, 2}, {3, 4}})}};
}

// A process id no process has: above the kernel's largest.
int pid_of_no_process() {
    std::ifstream file("/proc/sys/kernel/pid_max");
    int pid_max = 0;
    file >> pid_max;
    EXPECT_GT(pid_max, 0);
    return pid_max + 1;
}

class StudioLive : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new fs::path(fresh_temp_dir("studio_live"));
        status_file_ = new fs::path(*dir_ / "session" / "live.json");
        fs::create_directories(status_file_->parent_path());
        studio_ = new StudioProcess(*dir_ / "studio", {"--live_status", status_file_->string()});
    }
    static void TearDownTestSuite() {
        delete studio_;
        delete status_file_;
        fs::remove_all(*dir_);
        delete dir_;
    }
    void SetUp() override { fs::remove(*status_file_); }
    static void write_status(const json& status) {
        bgv::write_file_atomic(*status_file_, status.dump(1));
    }
    static httplib::Result control(const json& body) {
        auto client = studio_->client();
        return post_json(client, "/api/live/control", body);
    }
    static fs::path* dir_;
    static fs::path* status_file_;
    static StudioProcess* studio_;
};
fs::path* StudioLive::dir_ = nullptr;
fs::path* StudioLive::status_file_ = nullptr;
StudioProcess* StudioLive::studio_ = nullptr;

json live_of(StudioProcess& studio) {
    auto client = studio.client();
    const auto result = client.Get("/api/live");
    EXPECT_TRUE(result && result->status == 200);
    return json_of(result);
}

}  // namespace

TEST_F(StudioLive, WithoutAStatusFileThereIsNoSession) {
    const json live = live_of(*studio_);
    EXPECT_EQ(live.at("state"), "none");
    EXPECT_TRUE(live.at("status").is_null());
    EXPECT_EQ(live.at("status_file"), status_file_->string());
    // The controls are the live options OSC carries, with the schema's ranges.
    std::map<std::string, json> controls;
    for (const auto& control : live.at("controls"))
        controls[control.at("name")] = control;
    EXPECT_EQ(controls.size(), bgv::osc::live_osc_options().size());
    ASSERT_TRUE(controls.contains("truncation"));
    EXPECT_EQ(controls["truncation"].at("address"), "/bigganviz/truncation");
    EXPECT_EQ(controls["truncation"].at("min"), 0.1);
    EXPECT_EQ(controls["truncation"].at("max"), 1.0);
    EXPECT_EQ(controls["classes"].at("kind"), "integer_list");
    EXPECT_FALSE(controls.contains("choreography"));  // a choice: chosen at start
    EXPECT_FALSE(controls.contains("resolution"));    // not live
}

TEST_F(StudioLive, AStatusFileIsServedAsTheSessionWroteIt) {
    for (const int fps : {24, 11}) {
        json written = session_status(::getpid(), 9000);
        written["fps"] = fps;
        write_status(written);
        const json live = live_of(*studio_);
        EXPECT_EQ(live.at("state"), "running");
        EXPECT_EQ(live.at("status"), written);
    }
}

TEST_F(StudioLive, AFileLeftByAnEndedSessionSaysSo) {
    write_status(session_status(pid_of_no_process(), 9000));
    EXPECT_EQ(live_of(*studio_).at("state"), "ended");
    const auto answer = control({{"truncation", 0.5}});
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 409) << answer->body;
    EXPECT_NE(json::parse(answer->body).at("error").get<std::string>().find("ended"),
              std::string::npos);
}

TEST_F(StudioLive, AnUnreadableStatusFileIsNamedWithItsProblem) {
    bgv::write_file_atomic(*status_file_, "{\"pid\": ");
    const json live = live_of(*studio_);
    EXPECT_EQ(live.at("state"), "unreadable");
    EXPECT_NE(live.at("error").get<std::string>().find("invalid JSON"), std::string::npos)
        << live.at("error");
}

TEST_F(StudioLive, ControlsArriveAsTheSessionsOscMessages) {
    OscReceiver receiver;
    write_status(session_status(::getpid(), receiver.port()));
    struct Case {
        json body;
        std::string address;
        std::string types;
        std::vector<double> values;
    };
    // Floats go as OSC's 32-bit floats: 0.55 arrives as the float nearest it.
    const std::vector<Case> cases = {
        {{{"classes", {1, 2, 3}}}, "/bigganviz/classes", "iii", {1, 2, 3}},
        {{{"classes", {999}}}, "/bigganviz/classes", "i", {999}},
        {{{"truncation", 0.5}}, "/bigganviz/truncation", "f", {0.5}},
        {{{"truncation", 0.55}}, "/bigganviz/truncation", "f", {static_cast<double>(0.55f)}},
        {{{"pulse", 0.25}}, "/bigganviz/pulse", "f", {0.25}},
        {{{"smooth_factor", 12}}, "/bigganviz/smooth_factor", "i", {12}},
    };
    for (const auto& c : cases) {
        const auto answer = control(c.body);
        ASSERT_TRUE(answer);
        ASSERT_EQ(answer->status, 200) << answer->body;
        EXPECT_EQ(json::parse(answer->body).at("to"),
                  "127.0.0.1:" + std::to_string(receiver.port()));
        const auto message = receiver.next();
        EXPECT_EQ(message.address, c.address) << c.body;
        EXPECT_EQ(message.types, c.types) << c.body;
        EXPECT_EQ(message.values, c.values) << c.body;
    }
}

TEST_F(StudioLive, TheSessionsOwnOscServerTakesWhatTheStudioSends) {
    bgv::live::OscServer session(bgv::osc::live_osc_options(), 0);
    write_status(session_status(::getpid(), session.port()));
    const auto answer = control({{"classes", {207, 980, 1}}, {"pulse", 0.75}});
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->status, 200) << answer->body;
    // One message per option, in the body's key order as nlohmann's object keeps it (sorted).
    const auto classes = session.next_change(std::chrono::milliseconds(kDeadlineMs));
    const auto pulse = session.next_change(std::chrono::milliseconds(kDeadlineMs));
    ASSERT_TRUE(classes && pulse);
    EXPECT_EQ(classes->name, "classes");
    EXPECT_EQ(std::get<std::vector<int>>(classes->value), std::vector<int>({207, 980, 1}));
    EXPECT_EQ(pulse->name, "pulse");
    EXPECT_EQ(std::get<float>(pulse->value), 0.75f);
    EXPECT_EQ(session.refused(), 0);
}

TEST_F(StudioLive, BadValuesAreRefusedInOneLineAndNothingIsSent) {
    OscReceiver receiver;
    write_status(session_status(::getpid(), receiver.port()));
    struct Refusal {
        json body;
        std::string says;  // a part of the message
    };
    const std::vector<Refusal> refusals = {
        {{{"truncation", 2}}, "0.1"},
        {{{"truncation", "high"}}, "truncation"},
        {{{"pulse", -0.5}}, "pulse"},
        {{{"smooth_factor", 12.5}}, "smooth_factor"},
        {{{"classes", json::array()}}, "classes"},
        {{{"classes", {1000}}}, "999"},
        {{{"classes", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}}}, "12"},
        // A valid change beside a bad one: neither is sent.
        {{{"pulse", 0.5}, {"truncation", 0}}, "truncation"},
        {{{"resolution", 256}}, "not a live control"},
        {{{"choreography", "beat"}}, "not a live control"},
        {json::object(), "object of live options"},
        {json::array({1, 2}), "object of live options"},
    };
    for (const auto& refusal : refusals) {
        const auto answer = control(refusal.body);
        ASSERT_TRUE(answer);
        EXPECT_EQ(answer->status, 400) << refusal.body << " → " << answer->body;
        const std::string error = json::parse(answer->body).at("error");
        EXPECT_EQ(error.find('\n'), std::string::npos) << error;
        EXPECT_NE(error.find(refusal.says), std::string::npos) << error;
    }
    // The first datagram to arrive is the valid change sent after all the refusals.
    ASSERT_EQ(control({{"truncation", 0.75}})->status, 200);
    const auto message = receiver.next();
    EXPECT_EQ(message.address, "/bigganviz/truncation");
    EXPECT_EQ(message.values, std::vector<double>({0.75}));
}

TEST_F(StudioLive, ASessionWithoutOscOrWithoutItsFileIsNotControlled) {
    const auto absent = control({{"truncation", 0.5}});
    ASSERT_TRUE(absent);
    EXPECT_EQ(absent->status, 409) << absent->body;
    write_status(session_status(::getpid(), std::nullopt));
    const auto no_osc = control({{"truncation", 0.5}});
    ASSERT_TRUE(no_osc);
    EXPECT_EQ(no_osc->status, 409) << no_osc->body;
    EXPECT_NE(no_osc->body.find("--osc"), std::string::npos) << no_osc->body;
}

TEST_F(StudioLive, OscGoesOnlyToAnAddressOfThisMachine) {
    OscReceiver receiver;
    // 192.0.2.1 is TEST-NET-1 (RFC 5737), no machine's address; 239.255.0.1 a multicast group
    // (a socket binds to it, but it reaches other machines). Nothing is sent to either.
    json status = session_status(::getpid(), receiver.port());
    for (const std::string host : {"192.0.2.1", "239.255.0.1", "example.org"}) {
        status["osc"]["host"] = host;
        write_status(status);
        const auto refused = control({{"truncation", 0.5}});
        ASSERT_TRUE(refused);
        EXPECT_EQ(refused->status, 422) << refused->body;
        EXPECT_NE(refused->body.find(host), std::string::npos) << refused->body;
    }
    // "Any address" is reached on 127.0.0.1.
    status["osc"]["host"] = "0.0.0.0";
    write_status(status);
    const auto sent = control({{"truncation", 0.5}});
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->status, 200) << sent->body;
    EXPECT_EQ(receiver.next().address, "/bigganviz/truncation");
}

TEST(StudioLiveToken, TheLiveApiNeedsTheStudiosToken) {
    const fs::path dir = fresh_temp_dir("studio_live_token");
    StudioProcess studio(dir, {"--token", "0123456789abcdef"});
    auto client = studio.client();
    const json body = {{"truncation", 0.5}};
    const auto unsigned_post = post_json(client, "/api/live/control", body);
    ASSERT_TRUE(unsigned_post);
    EXPECT_EQ(unsigned_post->status, 401);
    EXPECT_EQ(client.Get("/api/live")->status, 401);
    client.set_bearer_token_auth("wrong");
    EXPECT_EQ(post_json(client, "/api/live/control", body)->status, 401);
    // With the token, the request passes the guard and meets a studio told of no session.
    client.set_bearer_token_auth("0123456789abcdef");
    const auto signed_post = post_json(client, "/api/live/control", body);
    ASSERT_TRUE(signed_post);
    EXPECT_EQ(signed_post->status, 409) << signed_post->body;
    const json live = json_of(client.Get("/api/live"));
    EXPECT_EQ(live.at("state"), "off");
    EXPECT_TRUE(live.at("status_file").is_null());
}
