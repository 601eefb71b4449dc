// studio/http_guard: what every request's head must pass before its body is read or a route is
// chosen: the Host and Origin of this server only (against DNS rebinding and cross-site pages),
// and the token when one is set.
#pragma once

#include <string>
#include <vector>

#include "studio/http_message.h"

namespace bgv::studio {

class HttpGuard {
  public:
    HttpGuard(std::string host, std::string token);
    void set_port(int port);

    // Throws HttpError (421 foreign Host, 403 foreign Origin, 401 missing or wrong token).
    void check(const HttpRequest& request) const;

  private:
    bool allowed(const std::string& host) const;

    std::string host_;
    std::string token_;
    std::vector<std::string> allowed_hosts_;  // "127.0.0.1:8080", ...
};

// True for 127.0.0.0/8, ::1 and localhost.
bool is_loopback_host(const std::string& host);

}  // namespace bgv::studio
