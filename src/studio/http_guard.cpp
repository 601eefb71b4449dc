#include "studio/http_guard.h"

#include <fmt/format.h>

#include <algorithm>

namespace bgv::studio {

namespace {
// Compares without stopping at the first difference, so that timing does not reveal the token.
bool same_secret(const std::string& given, const std::string& expected) {
    unsigned difference = given.size() == expected.size() ? 0u : 1u;
    for (std::size_t i = 0; i < given.size(); ++i)
        difference |=
            static_cast<unsigned char>(given[i]) ^
            static_cast<unsigned char>(expected[i % std::max<std::size_t>(1, expected.size())]);
    return difference == 0 && !expected.empty();
}

std::string given_token(const HttpRequest& request) {
    const std::string authorization = request.header("authorization");
    if (authorization.starts_with("Bearer "))
        return authorization.substr(7);
    // EventSource and <video src> cannot send headers: they carry it in the address.
    return request.param("token").value_or("");
}
}  // namespace

bool is_loopback_host(const std::string& host) {
    return host == "localhost" || host == "::1" || host.starts_with("127.");
}

HttpGuard::HttpGuard(std::string host, std::string token)
    : host_(std::move(host)), token_(std::move(token)) {}

void HttpGuard::set_port(int port) {
    allowed_hosts_ = {fmt::format("127.0.0.1:{}", port), fmt::format("localhost:{}", port),
                      fmt::format("[::1]:{}", port)};
    // The address bound, loopback or not (127.0.0.2, 192.168.1.5, fe80::1 in brackets).
    if (host_ != "0.0.0.0" && host_ != "::")
        allowed_hosts_.push_back(host_.find(':') != std::string::npos
                                     ? fmt::format("[{}]:{}", host_, port)
                                     : fmt::format("{}:{}", host_, port));
    // Port 80 is left out of Host by browsers.
    if (port == 80) {
        const std::size_t count = allowed_hosts_.size();
        for (std::size_t i = 0; i < count; ++i)
            allowed_hosts_.push_back(allowed_hosts_[i].substr(0, allowed_hosts_[i].rfind(':')));
    }
}

bool HttpGuard::allowed(const std::string& host) const {
    return std::find(allowed_hosts_.begin(), allowed_hosts_.end(), host) != allowed_hosts_.end();
}

void HttpGuard::check(const HttpRequest& request) const {
    const std::string host = request.header("host");
    const bool any_host = host_ == "0.0.0.0" || host_ == "::";
    // Bound to every interface, the server cannot know its own names: the token guards it.
    if (!any_host && !allowed(host))
        throw HttpError(421, fmt::format("Host '{}' is not this studio's address", host));
    if (request.has_header("origin")) {
        const std::string origin = request.header("origin");
        const bool same_origin = origin.starts_with("http://") && origin.substr(7) == host;
        if (!same_origin || (!any_host && !allowed(origin.substr(7))))
            throw HttpError(403, fmt::format("Origin '{}' may not use this studio", origin));
    }
    if (!token_.empty() && request.path.starts_with("/api/")) {
        const std::string given = given_token(request);
        if (given.empty())
            throw HttpError(401,
                            "this studio needs its token (Authorization: Bearer TOKEN or ?token=)");
        if (!same_secret(given, token_))
            throw HttpError(401, "wrong token");
    }
}

}  // namespace bgv::studio
