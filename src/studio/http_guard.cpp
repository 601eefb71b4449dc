#include "studio/http_guard.h"

#include <fmt/format.h>

#include <fstream>
#include <memory>

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

std::string given_token(const httplib::Request& request) {
    const std::string authorization = request.get_header_value("Authorization");
    if (authorization.starts_with("Bearer "))
        return authorization.substr(7);
    // EventSource and <video src> cannot send headers: they carry it in the address.
    if (request.has_param("token"))
        return request.get_param_value("token");
    return {};
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
    if (!is_loopback_host(host_) && host_ != "0.0.0.0" && host_ != "::")
        allowed_hosts_.push_back(fmt::format("{}:{}", host_, port));
    if (host_.find(':') != std::string::npos && host_ != "::")
        allowed_hosts_.push_back(fmt::format("[{}]:{}", host_, port));
}

HttpGuard::Refusal HttpGuard::check(const httplib::Request& request) const {
    const std::string host = request.get_header_value("Host");
    const bool any_host = host_ == "0.0.0.0" || host_ == "::";
    auto allowed = [&](const std::string& value) {
        return std::find(allowed_hosts_.begin(), allowed_hosts_.end(), value) !=
               allowed_hosts_.end();
    };
    // Bound to every interface, the server cannot know its own names: the token guards it.
    if (!any_host && !allowed(host))
        return {421, fmt::format("Host '{}' is not this studio's address", host)};
    if (request.has_header("Origin")) {
        const std::string origin = request.get_header_value("Origin");
        const bool same_origin = origin.starts_with("http://") && origin.substr(7) == host;
        if (!same_origin || (!any_host && !allowed(origin.substr(7))))
            return {403, fmt::format("Origin '{}' may not use this studio", origin)};
    }
    if (!token_.empty() && request.path.starts_with("/api/")) {
        const std::string given = given_token(request);
        if (given.empty())
            return {401, "this studio needs its token (Authorization: Bearer TOKEN or ?token=)"};
        if (!same_secret(given, token_))
            return {401, "wrong token"};
    }
    return {};
}

void send_json(httplib::Response& response, const nlohmann::json& body, int status) {
    response.status = status;
    response.set_header("Cache-Control", "no-store");
    response.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& response, int status, const std::string& message) {
    send_json(response, {{"error", message}, {"status", status}}, status);
}

void send_file(httplib::Response& response, const std::filesystem::path& file,
               const std::string& media_type) {
    auto stream = std::make_shared<std::ifstream>(file, std::ios::binary);
    if (!*stream) {
        send_error(response, 404, "no such file");
        return;
    }
    const auto size = static_cast<std::size_t>(std::filesystem::file_size(file));
    response.set_header("Accept-Ranges", "bytes");
    response.set_content_provider(
        size, media_type,
        [stream](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
            std::vector<char> buffer(std::min<std::size_t>(length, 1 << 16));
            stream->clear();
            stream->seekg(static_cast<std::streamoff>(offset));
            stream->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            const auto got = static_cast<std::size_t>(stream->gcount());
            if (got == 0)
                return false;
            return sink.write(buffer.data(), got);
        });
}

}  // namespace bgv::studio
