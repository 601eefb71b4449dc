#include "studio/multipart_reader.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "studio/http_message.h"

namespace bgv::studio {

namespace {
constexpr std::size_t kMaxPartHeaderBytes = 8192;
constexpr std::size_t kMaxBoundaryLineBytes = 256;

[[noreturn]] void malformed(const std::string& what) {
    throw HttpError(400, "malformed multipart/form-data body: " + what);
}

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

// `; name=value; name="quoted \"value\""` after a header's first word, names in lower case.
std::vector<std::pair<std::string, std::string>> header_parameters(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> parameters;
    std::size_t at = text.find(';');
    while (at != std::string_view::npos && at < text.size()) {
        ++at;
        const auto equals = text.find('=', at);
        if (equals == std::string_view::npos)
            break;
        const std::string name = lower(trim(text.substr(at, equals - at)));
        std::size_t i = equals + 1;
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
            ++i;
        std::string value;
        if (i < text.size() && text[i] == '"') {
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '\\' && i + 1 < text.size())
                    ++i;
                value.push_back(text[i]);
            }
            if (i >= text.size())
                malformed("a quoted parameter does not end");
            at = text.find(';', i);
        } else {
            const auto end = text.find(';', i);
            value =
                std::string(trim(text.substr(i, end == std::string_view::npos ? end : end - i)));
            at = end;
        }
        parameters.emplace_back(name, std::move(value));
    }
    return parameters;
}
}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
    const std::string_view type = trim(content_type.substr(0, content_type.find(';')));
    if (lower(type) != "multipart/form-data")
        return std::nullopt;
    for (auto& [name, value] : header_parameters(content_type)) {
        if (name == "boundary" && !value.empty() && value.size() <= 70)
            return std::move(value);
    }
    return std::nullopt;
}

MultipartReader::MultipartReader(std::string boundary, Handler handler)
    : delimiter_("\r\n--" + boundary), handler_(std::move(handler)), buffer_("\r\n") {
    // The virtual "\r\n" lets the first boundary, at the very start of the body, be found as
    // every later one is.
}

void MultipartReader::write(std::string_view data) {
    if (stage_ == Stage::epilogue)
        return;  // after the closing boundary: ignored (RFC 2046)
    buffer_.append(data);
    while (step()) {
    }
}

void MultipartReader::finish() {
    if (stage_ != Stage::epilogue)
        malformed("it ends before its closing boundary");
}

bool MultipartReader::step() {
    switch (stage_) {
        case Stage::preamble: {
            const auto at = buffer_.find(delimiter_);
            if (at == std::string::npos) {
                // Keeps only what could start a delimiter: the preamble is not for us.
                if (buffer_.size() >= delimiter_.size())
                    buffer_.erase(0, buffer_.size() - (delimiter_.size() - 1));
                return false;
            }
            buffer_.erase(0, at + delimiter_.size());
            stage_ = Stage::after_boundary;
            return true;
        }
        case Stage::after_boundary: {
            if (buffer_.size() < 2)
                return false;
            if (buffer_.starts_with("--")) {
                stage_ = Stage::epilogue;
                buffer_.clear();
                return false;
            }
            const auto end = buffer_.find("\r\n");
            if (end == std::string::npos) {
                if (buffer_.size() > kMaxBoundaryLineBytes)
                    malformed("a boundary line does not end");
                return false;
            }
            // Transport padding (spaces and tabs) may follow a boundary, nothing else.
            if (!trim(std::string_view(buffer_).substr(0, end)).empty())
                malformed("text after a boundary");
            buffer_.erase(0, end + 2);
            stage_ = Stage::headers;
            return true;
        }
        case Stage::headers: {
            std::size_t end = buffer_.starts_with("\r\n") ? 0 : buffer_.find("\r\n\r\n");
            if (end == std::string::npos) {
                if (buffer_.size() > kMaxPartHeaderBytes)
                    malformed("a part's headers are too long");
                return false;
            }
            if (end > kMaxPartHeaderBytes)
                malformed("a part's headers are too long");
            begin_part(std::string_view(buffer_).substr(0, end));
            buffer_.erase(0, end == 0 ? 2 : end + 4);
            stage_ = Stage::content;
            return true;
        }
        case Stage::content: {
            const auto at = buffer_.find(delimiter_);
            if (at == std::string::npos) {
                // All but what could be the start of the delimiter is the part's.
                if (buffer_.size() >= delimiter_.size()) {
                    const std::size_t ready = buffer_.size() - (delimiter_.size() - 1);
                    handler_.data(std::string_view(buffer_).substr(0, ready));
                    buffer_.erase(0, ready);
                }
                return false;
            }
            if (at > 0)
                handler_.data(std::string_view(buffer_).substr(0, at));
            handler_.end();
            buffer_.erase(0, at + delimiter_.size());
            stage_ = Stage::after_boundary;
            return true;
        }
        case Stage::epilogue:
            return false;
    }
    return false;
}

void MultipartReader::begin_part(std::string_view headers) {
    Part part;
    bool has_disposition = false;
    while (!headers.empty()) {
        const auto newline = headers.find("\r\n");
        const std::string_view line = headers.substr(0, newline);
        headers.remove_prefix(newline == std::string_view::npos ? headers.size() : newline + 2);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
            malformed("a part's header line is not NAME: VALUE");
        const std::string name = lower(trim(line.substr(0, colon)));
        const std::string_view value = trim(line.substr(colon + 1));
        if (name == "content-type") {
            part.content_type = std::string(value);
        } else if (name == "content-disposition") {
            if (lower(trim(value.substr(0, value.find(';')))) != "form-data")
                malformed("a part's Content-Disposition is not form-data");
            has_disposition = true;
            for (auto& [key, text] : header_parameters(value)) {
                if (key == "name")
                    part.name = std::move(text);
                else if (key == "filename")
                    part.filename = std::move(text);
            }
        }
    }
    if (!has_disposition)
        malformed("a part has no Content-Disposition: form-data; name=...");
    handler_.begin(part);
}

}  // namespace bgv::studio
