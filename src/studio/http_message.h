// studio/http_message: one HTTP request as the studio's server hands it to a route, the answer the
// route gives (text, a file served with ranges, or a stream of events), and the error that ends a
// request with a 4xx status.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "studio/event_stream.h"

namespace bgv::studio {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A request the server answers with `status` (4xx) and a one-line JSON error.
class HttpError : public std::runtime_error {
  public:
    HttpError(int status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

  private:
    int status_;
};

// Where a request's body goes while it arrives, when a route does not want it in memory (an
// upload). write() and finish() may throw HttpError, which ends the request with that status.
class BodySink {
  public:
    virtual ~BodySink() = default;
    virtual void write(std::string_view data) = 0;
    virtual void finish() = 0;  // the whole body has arrived
};

struct HttpRequest {
    std::string method;  // "GET"
    std::string target;  // as sent: "/api/classes?q=dog%20x"
    std::string path;    // percent-decoded, without the query: "/api/classes"
    std::vector<std::pair<std::string, std::string>> query;  // decoded: {"q", "dog x"}
    HeaderList headers;                                      // names in lower case
    int minor_version = 1;                                   // HTTP/1.x
    std::string peer;                                        // the client's address
    std::vector<std::string> matches;                        // the route pattern's groups
    std::string body;                                        // when no sink took it
    std::unique_ptr<BodySink> sink;                          // an upload's sink, finished

    // The value of header `name` (lower case), empty when absent.
    std::string header(std::string_view name) const;
    bool has_header(std::string_view name) const;
    std::optional<std::string> param(std::string_view name) const;
};

// A file answered whole or by the range a request asks for (RFC 7233).
struct FileBody {
    int fd = -1;  // owned: closed with the response
    std::int64_t size = 0;
};

struct HttpResponse {
    HttpResponse() = default;
    ~HttpResponse();
    HttpResponse(const HttpResponse&) = delete;
    HttpResponse& operator=(const HttpResponse&) = delete;

    int status = 200;
    std::string content_type = "application/json";
    HeaderList headers;  // besides Content-Type and Content-Length
    std::string body;
    std::optional<FileBody> file;         // instead of body
    std::shared_ptr<EventStream> stream;  // instead of body: sent as it comes, chunked

    void set_header(std::string name, std::string value);
};

// The API's answers: JSON (invalid UTF-8 in it replaced, never an error of its own), an error
// as {"error": "one line", "status": N}, and a file (404 when it cannot be opened).
void send_json(HttpResponse& response, const nlohmann::json& body, int status = 200);
void send_error(HttpResponse& response, int status, const std::string& message);
void send_file(HttpResponse& response, const std::filesystem::path& file,
               const std::string& media_type);

// The words of a status line: 404 → "Not Found".
std::string_view reason_phrase(int status);

// '7' → 7, 'b' → 11; nullopt for a character that is no hexadecimal digit.
std::optional<int> hex_digit(char c);
// "%2e%2E/x+y" → "../x y" (`plus_is_space` for query strings); nullopt for a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace bgv::studio
