// The studio server's readers on arbitrary bytes: a request (head, then a body by length or
// chunked) fed in pieces of a size the input chooses, the same bytes as a multipart body, and as
// a Range header. Only HttpError may come out; a body never passes its limit; a range stays
// inside its file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "studio/byte_range.h"
#include "studio/http_request_reader.h"
#include "studio/multipart_reader.h"

namespace {
constexpr std::int64_t kBodyLimit = 4096;

void read_request(std::string_view bytes, std::size_t piece) {
    bgv::studio::RequestReader reader(2048);
    std::int64_t payload = 0;
    while (!bytes.empty() && !reader.body_complete()) {
        std::string_view data = bytes.substr(0, piece);
        std::size_t used = 0;
        if (!reader.head_complete())
            used += reader.read_head(data);
        if (reader.head_complete() && used < data.size())
            used += reader.read_body(data.substr(used), kBodyLimit, [&](std::string_view part) {
                payload += static_cast<std::int64_t>(part.size());
            });
        if (payload > kBodyLimit || used > data.size())
            __builtin_trap();
        if (used == 0 && !reader.body_complete())
            __builtin_trap();  // no progress on bytes it was given
        bytes.remove_prefix(used);
        if (used < data.size())
            break;  // the rest is the next request's
    }
}

void read_multipart(std::string_view bytes, std::size_t piece) {
    std::size_t parts = 0;
    bgv::studio::MultipartReader reader(
        "b", {.begin = [&](const bgv::studio::MultipartReader::Part&) { ++parts; },
              .data = [](std::string_view) {},
              .end = [] {}});
    for (std::size_t at = 0; at < bytes.size(); at += piece)
        reader.write(bytes.substr(at, piece));
    reader.finish();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::size_t piece = 1 + data[0] % 64;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        read_request(bytes, piece);
    } catch (const bgv::studio::HttpError&) {
    }
    try {
        read_multipart(bytes, piece);
    } catch (const bgv::studio::HttpError&) {
    }
    const std::int64_t file_size = static_cast<std::int64_t>(data[0]) * 1000;
    const auto range = bgv::studio::resolve_range(bytes.substr(0, 200), file_size);
    if (range.kind == bgv::studio::RangeAnswer::Kind::part &&
        (range.first < 0 || range.length <= 0 || range.first + range.length > file_size))
        __builtin_trap();
    return 0;
}
