// studio/http_request_reader: one HTTP/1.x request read as its bytes arrive, split anyhow: the head
// up to a size limit, then the body by Content-Length or chunked, its payload counted against a
// limit as it arrives, so that neither a long head nor an endless body is ever held whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "studio/http_message.h"

namespace bgv::studio {

class RequestReader {
  public:
    explicit RequestReader(std::size_t max_head_bytes);

    // Reads head bytes from `data`; returns how many it used (the rest belongs to the body or to
    // the next request). Throws HttpError: 431 for a head over the limit, 400 for a malformed one.
    std::size_t read_head(std::string_view data);
    bool head_started() const { return started_; }  // a byte of the request line arrived
    bool head_complete() const { return stage_ != Stage::head; }
    HttpRequest& request() { return request_; }

    // What the head says of the body (after head_complete()).
    bool has_body() const { return chunked_ || content_length_.value_or(0) > 0; }
    std::optional<std::int64_t> content_length() const { return content_length_; }
    bool chunked() const { return chunked_; }
    bool expects_continue() const { return expects_continue_; }
    bool keep_alive() const { return keep_alive_; }

    // Reads body bytes from `data`, handing the payload (chunked framing removed) to `payload`;
    // returns how many it used. Throws HttpError: 413 once the payload passes `limit` bytes, 400
    // for broken chunked framing.
    std::size_t read_body(std::string_view data, std::int64_t limit,
                          const std::function<void(std::string_view)>& payload);
    bool body_complete() const { return stage_ == Stage::done; }
    std::int64_t body_bytes() const { return payload_bytes_; }

  private:
    enum class Stage { head, body, chunk_size, chunk_data, chunk_end, trailers, done };

    void parse_head();
    void parse_request_line(std::string_view line);
    void parse_header_line(std::string_view line);
    void check_framing();
    void count_payload(std::size_t bytes, std::int64_t limit);
    // Appends to line_ up to the next '\n'; returns true with the line (without "\r\n") complete.
    bool read_line(std::string_view data, std::size_t& used, std::size_t max_bytes);

    std::size_t max_head_bytes_;
    Stage stage_ = Stage::head;
    bool started_ = false;
    std::string head_;
    HttpRequest request_;
    std::optional<std::int64_t> content_length_;
    bool chunked_ = false;
    bool expects_continue_ = false;
    bool keep_alive_ = true;
    std::int64_t payload_bytes_ = 0;
    std::int64_t chunk_left_ = 0;
    std::string line_;
    std::size_t trailer_bytes_ = 0;
};

}  // namespace bgv::studio
