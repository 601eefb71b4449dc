// studio/http_guard: what every request must pass before it is served (the Host and Origin of
// this server only, against DNS rebinding and cross-site pages; the token when one is set), and
// the JSON answers the API gives, errors included.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace bgv::studio {

class HttpGuard {
  public:
    HttpGuard(std::string host, std::string token);
    void set_port(int port);

    // Empty when the request may go on; else the answer's status and message.
    struct Refusal {
        int status = 0;
        std::string message;
    };
    Refusal check(const httplib::Request& request) const;

  private:
    std::string host_;
    std::string token_;
    std::vector<std::string> allowed_hosts_;  // "127.0.0.1:8080", ...
};

void send_json(httplib::Response& response, const nlohmann::json& body, int status = 200);
void send_error(httplib::Response& response, int status, const std::string& message);
// Serves a file with its length known, so the server answers Range requests (video seeking).
void send_file(httplib::Response& response, const std::filesystem::path& file,
               const std::string& media_type);
// True for 127.0.0.0/8, ::1 and localhost.
bool is_loopback_host(const std::string& host);

}  // namespace bgv::studio
