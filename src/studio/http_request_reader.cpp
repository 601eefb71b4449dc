#include "studio/http_request_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace bgv::studio {

namespace {
constexpr std::size_t kMaxHeaders = 100;
constexpr std::size_t kMaxChunkLine = 1024;
constexpr std::size_t kMaxTrailerBytes = 8192;

// RFC 9110's token characters (method and header names).
bool is_token(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                                      std::string_view::npos;
    });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

[[noreturn]] void bad_request(const std::string& message) {
    throw HttpError(400, message);
}

std::optional<std::int64_t> parse_decimal(std::string_view text) {
    if (text.empty() || text.size() > 18)
        return std::nullopt;
    std::int64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}
}  // namespace

RequestReader::RequestReader(std::size_t max_head_bytes) : max_head_bytes_(max_head_bytes) {}

std::size_t RequestReader::read_head(std::string_view data) {
    std::size_t used = 0;
    // Blank lines before a request are ignored (RFC 9112, 2.2).
    while (!started_ && used < data.size() && (data[used] == '\r' || data[used] == '\n'))
        ++used;
    if (used < data.size())
        started_ = true;
    while (used < data.size() && stage_ == Stage::head) {
        const std::size_t from = head_.size() < 3 ? 0 : head_.size() - 3;
        const std::size_t take = std::min(data.size() - used, max_head_bytes_ + 1 - head_.size());
        head_.append(data.substr(used, take));
        // The head ends with an empty line: "\r\n\r\n", or "\n\n" from a lenient client.
        std::size_t end = std::string::npos;
        for (std::size_t i = from; i + 1 < head_.size(); ++i) {
            if (head_[i] != '\n')
                continue;
            if (head_[i + 1] == '\n') {
                end = i + 2;
                break;
            }
            if (head_[i + 1] == '\r' && i + 2 < head_.size() && head_[i + 2] == '\n') {
                end = i + 3;
                break;
            }
        }
        if (end == std::string::npos) {
            if (head_.size() > max_head_bytes_)
                throw HttpError(431, fmt::format("the request's head is longer than {} bytes",
                                                 max_head_bytes_));
            used += take;
            continue;
        }
        used += take - (head_.size() - end);
        head_.resize(end);
        parse_head();
    }
    return used;
}

void RequestReader::parse_head() {
    std::vector<std::string_view> lines;
    std::string_view rest(head_);
    while (!rest.empty()) {
        const auto newline = rest.find('\n');
        std::string_view line = rest.substr(0, newline);
        rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (!line.empty())
            lines.push_back(line);
    }
    if (lines.empty())
        bad_request("the request has no request line");
    parse_request_line(lines.front());
    if (lines.size() - 1 > kMaxHeaders)
        throw HttpError(431, fmt::format("the request has more than {} headers", kMaxHeaders));
    for (std::size_t i = 1; i < lines.size(); ++i)
        parse_header_line(lines[i]);
    check_framing();
    head_.clear();
    head_.shrink_to_fit();
    stage_ = chunked_ ? Stage::chunk_size : has_body() ? Stage::body : Stage::done;
}

void RequestReader::parse_request_line(std::string_view line) {
    const auto first = line.find(' ');
    const auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos)
        bad_request("the request line is not METHOD TARGET HTTP/1.1");
    request_.method = std::string(line.substr(0, first));
    request_.target = std::string(line.substr(first + 1, second - first - 1));
    const std::string_view version = line.substr(second + 1);
    if (!is_token(request_.method))
        bad_request("the request's method is not a word");
    if (version == "HTTP/1.1")
        request_.minor_version = 1;
    else if (version == "HTTP/1.0")
        request_.minor_version = 0;
    else
        bad_request(fmt::format("HTTP version '{}' is not served, only HTTP/1.0 and HTTP/1.1",
                                lower(version).substr(0, 20)));
    if (request_.target.empty() || request_.target.front() != '/')
        bad_request("the request target must be a path starting with '/'");
    const auto question = request_.target.find('?');
    const auto path = percent_decode(std::string_view(request_.target).substr(0, question), false);
    if (!path || path->find('\0') != std::string::npos)
        bad_request("the request's path has a bad %-escape");
    request_.path = *path;
    if (question == std::string::npos)
        return;
    std::string_view query = std::string_view(request_.target).substr(question + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
        if (pair.empty())
            continue;
        const auto equals = pair.find('=');
        const auto key = percent_decode(pair.substr(0, equals), true);
        const auto value = percent_decode(
            equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
        if (!key || !value)
            bad_request("the request's query has a bad %-escape");
        request_.query.emplace_back(*key, *value);
    }
}

void RequestReader::parse_header_line(std::string_view line) {
    if (line.front() == ' ' || line.front() == '\t')
        bad_request("folded header lines are not accepted");
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
        bad_request("a header line is not NAME: VALUE");
    const std::string_view value = trim(line.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(),
                    [](unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }))
        bad_request("a header holds control characters");
    request_.headers.emplace_back(lower(line.substr(0, colon)), std::string(value));
}

void RequestReader::check_framing() {
    int hosts = 0;
    for (const auto& [name, value] : request_.headers) {
        if (name == "host") {
            ++hosts;
        } else if (name == "content-length") {
            const auto length = parse_decimal(value);
            if (!length || (content_length_ && *content_length_ != *length))
                bad_request(
                    fmt::format("Content-Length '{}' is not a length", value.substr(0, 40)));
            content_length_ = length;
        } else if (name == "transfer-encoding") {
            if (lower(value) != "chunked" || chunked_)
                bad_request(fmt::format("Transfer-Encoding '{}' is not served, only chunked",
                                        value.substr(0, 40)));
            chunked_ = true;
        } else if (name == "expect") {
            if (lower(value) != "100-continue")
                throw HttpError(417, fmt::format("Expect '{}' is not served", value.substr(0, 40)));
            expects_continue_ = request_.minor_version == 1;
        } else if (name == "connection") {
            if (lower(value).find("close") != std::string::npos)
                keep_alive_ = false;
        }
    }
    if (chunked_ && content_length_)
        bad_request("a request has both Content-Length and Transfer-Encoding");
    if (chunked_ && request_.minor_version == 0)
        bad_request("HTTP/1.0 has no chunked bodies");
    if (hosts > 1 || (hosts == 0 && request_.minor_version == 1))
        bad_request("an HTTP/1.1 request names its server in exactly one Host header");
    if (request_.minor_version == 0)
        keep_alive_ = false;
}

void RequestReader::count_payload(std::size_t bytes, std::int64_t limit) {
    payload_bytes_ += static_cast<std::int64_t>(bytes);
    if (payload_bytes_ > limit)
        throw HttpError(413, fmt::format("the body is larger than the {} bytes allowed", limit));
}

bool RequestReader::read_line(std::string_view data, std::size_t& used, std::size_t max_bytes) {
    const auto newline = data.find('\n', used);
    const std::size_t end = newline == std::string_view::npos ? data.size() : newline;
    line_.append(data.substr(used, end - used));
    used = newline == std::string_view::npos ? data.size() : newline + 1;
    if (line_.size() > max_bytes)
        bad_request("a line of the chunked body is too long");
    if (newline == std::string_view::npos)
        return false;
    if (!line_.empty() && line_.back() == '\r')
        line_.pop_back();
    return true;
}

std::size_t RequestReader::read_body(std::string_view data, std::int64_t limit,
                                     const std::function<void(std::string_view)>& payload) {
    std::size_t used = 0;
    while (used < data.size() && stage_ != Stage::done) {
        switch (stage_) {
            case Stage::body: {
                const auto left = static_cast<std::size_t>(*content_length_ - payload_bytes_);
                const auto take = std::min(left, data.size() - used);
                count_payload(take, limit);
                payload(data.substr(used, take));
                used += take;
                if (payload_bytes_ == *content_length_)
                    stage_ = Stage::done;
                break;
            }
            case Stage::chunk_size: {
                if (!read_line(data, used, kMaxChunkLine))
                    break;
                const std::string_view line(line_);
                const std::string_view digits = trim(line.substr(0, line.find(';')));
                std::int64_t size = 0;
                if (digits.empty() || digits.size() > 15)
                    bad_request("a chunk size is not a hexadecimal number");
                for (const char c : digits) {
                    const auto value = hex_digit(c);
                    if (!value)
                        bad_request("a chunk size is not a hexadecimal number");
                    size = size * 16 + *value;
                }
                line_.clear();
                chunk_left_ = size;
                stage_ = size == 0 ? Stage::trailers : Stage::chunk_data;
                break;
            }
            case Stage::chunk_data: {
                const auto take =
                    std::min(static_cast<std::size_t>(chunk_left_), data.size() - used);
                count_payload(take, limit);
                payload(data.substr(used, take));
                used += take;
                chunk_left_ -= static_cast<std::int64_t>(take);
                if (chunk_left_ == 0)
                    stage_ = Stage::chunk_end;
                break;
            }
            case Stage::chunk_end:
                if (!read_line(data, used, 2))
                    break;
                if (!line_.empty())
                    bad_request("a chunk does not end where its size says");
                stage_ = Stage::chunk_size;
                break;
            case Stage::trailers: {
                const std::size_t before = used;
                const bool complete = read_line(data, used, kMaxTrailerBytes);
                trailer_bytes_ += used - before;
                if (trailer_bytes_ > kMaxTrailerBytes)
                    bad_request("the chunked body's trailer is too long");
                if (!complete)
                    break;
                if (line_.empty())
                    stage_ = Stage::done;
                line_.clear();
                break;
            }
            case Stage::head:
            case Stage::done:
                break;
        }
    }
    return used;
}

}  // namespace bgv::studio
