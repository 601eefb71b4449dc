// studio/live_link: the studio's Live panel's view of a running `bigganviz live` session: the
// session's status file (--status_file) read as it is, and option changes checked against the
// option schema's live options and sent to the session's OSC port on this machine.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

namespace bgv::studio {

class LiveLink {
  public:
    // `status_file`: where the session writes its status (`bigganviz live --status_file`); none:
    // the studio was told of no session.
    explicit LiveLink(std::optional<std::filesystem::path> status_file);

    // GET /api/live: {"state": off|none|running|ended|unreadable, "status_file", "status" (the
    // session's file as written, or null), "error" (unreadable only), "controls" (each live option
    // OSC carries, as GET /api/options describes it, with its "address")}.
    nlohmann::json status() const;

    // POST /api/live/control: `body` maps live options to values ({"truncation": 0.5}), each read
    // as option_from_json reads it (UsageError in one line, before anything is sent); then one OSC
    // message per option to the session's port. HttpError 409 when no session runs or it takes no
    // OSC. Returns {"to": "127.0.0.1:PORT", "sent": [{"address", "types", "values"}]}.
    nlohmann::json control(const nlohmann::json& body) const;

  private:
    std::optional<std::filesystem::path> status_file_;
};

}  // namespace bgv::studio
