// studio/multipart_reader: a multipart/form-data body (RFC 7578) read as it arrives: each part's
// headers (bounded), then its content handed on piece by piece, so that an upload goes to disk
// without being held whole.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace bgv::studio {

// The boundary of a "multipart/form-data; boundary=..." Content-Type; nullopt for another type.
std::optional<std::string> multipart_boundary(std::string_view content_type);

class MultipartReader {
  public:
    struct Part {
        std::string name;                     // the form field
        std::optional<std::string> filename;  // present for a file
        std::string content_type;
    };
    struct Handler {
        std::function<void(const Part& part)> begin;
        std::function<void(std::string_view data)> data;  // the current part's bytes, in order
        std::function<void()> end;
    };

    MultipartReader(std::string boundary, Handler handler);

    // Reads the next bytes of the body. Throws HttpError 400 for a malformed body.
    void write(std::string_view data);
    // The body ended: throws HttpError 400 unless its closing boundary arrived.
    void finish();

  private:
    enum class Stage { preamble, after_boundary, headers, content, epilogue };

    bool step();  // one stage's work on buffer_; false when it needs more bytes
    void begin_part(std::string_view headers);

    std::string delimiter_;  // "\r\n--" + boundary
    Handler handler_;
    Stage stage_ = Stage::preamble;
    std::string buffer_;
};

}  // namespace bgv::studio
