#include "studio/live_link.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "osc/osc_controls.h"
#include "osc/osc_sender.h"
#include "render/options.h"
#include "studio/http_message.h"

namespace bgv::studio {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
// A status file is a few hundred bytes; anything far larger is not one.
constexpr std::uint64_t kMaxStatusBytes = 1 << 20;

json controls_json() {
    json controls = json::array();
    for (const auto& option : osc::live_osc_options()) {
        json control = render::option_def_json(render::find_render_option(option.name)->def);
        control["address"] = std::string(osc::kAddressPrefix) + option.name;
        controls.push_back(std::move(control));
    }
    return controls;
}

std::string live_control_names() {
    std::string names;
    for (const auto& option : osc::live_osc_options())
        names += (names.empty() ? "" : ", ") + option.name;
    return names;
}

// Whether the process that wrote the file still runs (a session killed with -9 leaves its file).
bool process_runs(const json& status) {
    const auto pid = status.find("pid");
    if (pid == status.end() || !pid->is_number_integer() || pid->get<std::int64_t>() <= 0)
        return false;
    // EPERM: it runs, as another user.
    return ::kill(static_cast<pid_t>(pid->get<std::int64_t>()), 0) == 0 || errno == EPERM;
}

// Whether `host` is an IPv4 address of this machine: one a socket can be bound to (a multicast
// group can be bound too, but reaches other machines).
bool is_own_address(const std::string& host) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1 ||
        IN_MULTICAST(ntohl(address.sin_addr.s_addr)))
        return false;
    const int probe = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (probe < 0)
        return false;
    const bool bound =
        ::bind(probe, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(probe);
    return bound;
}

// The session's OSC destination: its bound address, 127.0.0.1 for "any". Only an address of this
// machine: a status file planted by someone else must not aim the studio's datagrams elsewhere.
std::optional<std::pair<std::string, int>> osc_destination(const json& status) {
    const auto osc = status.find("osc");
    if (osc == status.end() || !osc->is_object())
        return std::nullopt;
    const std::int64_t port = json_integer(*osc, "port", 1, 65535);
    const auto host_value = osc->find("host");
    std::string host = host_value != osc->end() && host_value->is_string()
                           ? host_value->get<std::string>()
                           : "127.0.0.1";
    if (host.empty() || host == "0.0.0.0")
        host = "127.0.0.1";
    if (!is_own_address(host))
        fail("the status file's OSC address {}: expected an IPv4 address of this machine", host);
    return std::pair{host, static_cast<int>(port)};
}

json values_json(const osc::OptionChange& change) {
    return std::visit(
        [](const auto& value) -> json {
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::vector<int>>)
                return value;
            else
                return json::array({value});
        },
        change.value);
}
}  // namespace

LiveLink::LiveLink(std::optional<fs::path> status_file) : status_file_(std::move(status_file)) {}

json LiveLink::status() const {
    json answer = {{"state", "off"},
                   {"status_file", status_file_ ? json(status_file_->string()) : json(nullptr)},
                   {"status", nullptr},
                   {"controls", controls_json()}};
    if (!status_file_)
        return answer;
    std::error_code error;
    if (!fs::exists(*status_file_, error)) {
        answer["state"] = "none";
        return answer;
    }
    try {
        json status = read_json_file(*status_file_, kMaxStatusBytes);
        if (!status.is_object())
            fail("expected a JSON object, got {}", status.type_name());
        answer["state"] = process_runs(status) ? "running" : "ended";
        answer["status"] = std::move(status);
    } catch (const Error& failure) {
        // The session removes its file as it ends: gone between the two looks is no session.
        answer["state"] = fs::exists(*status_file_, error) ? "unreadable" : "none";
        if (answer["state"] == "unreadable")
            answer["error"] = describe(failure);
    }
    return answer;
}

json LiveLink::control(const json& body) const {
    if (!body.is_object() || body.empty())
        fail_usage("the body must be an object of live options, such as {{\"truncation\": 0.5}}");
    // Every value is checked before any is sent: a request is taken whole or refused.
    std::vector<osc::OptionChange> changes;
    for (const auto& [name, value] : body.items()) {
        const osc::OscOption* option = osc::find_live_osc_option(name);
        if (option == nullptr)
            fail_usage("\"{}\" is not a live control, expected one of {}", name,
                       live_control_names());
        const auto& def = render::find_render_option(name)->def;
        changes.push_back(osc::option_change(*option, render::option_from_json(def, value)));
    }
    const json live = status();
    const std::string state = live.at("state");
    if (!status_file_)
        throw HttpError(409, "no live session: the studio was started without --live_status FILE");
    if (state != "running") {
        const std::string file = status_file_->string();
        throw HttpError(
            409, state == "none"    ? fmt::format("no live session is running (no {})", file)
                 : state == "ended" ? fmt::format("no live session is running ({} was left by a "
                                                  "session that ended)",
                                                  file)
                                    : live.at("error").get<std::string>());
    }
    const auto destination = osc_destination(live.at("status"));
    if (!destination)
        throw HttpError(409, "the live session takes no OSC control: start it with --osc PORT");
    osc::OscSender sender(destination->first, destination->second);
    json sent = json::array();
    for (const auto& change : changes) {
        sender.send(change);
        sent.push_back({{"address", std::string(osc::kAddressPrefix) + change.name},
                        {"types", osc::osc_type_tags(change)},
                        {"values", values_json(change)}});
    }
    return {{"to", sender.destination()}, {"sent", sent}};
}

}  // namespace bgv::studio
