// The studio server's readers without sockets: requests and multipart bodies split at every byte
// read the same as whole, limits refuse as the bytes arrive (chunked or not), and byte ranges
// follow RFC 7233.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "studio/byte_range.h"
#include "studio/http_request_reader.h"
#include "studio/multipart_reader.h"

using namespace bgv::studio;

namespace {
constexpr std::size_t kHeadLimit = 16 << 10;

struct Read {
    HttpRequest request;
    std::string body;
    std::size_t used = 0;  // bytes of the input the request took
};

// Feeds `text` in pieces of `piece` bytes until the request is complete.
Read read_request(const std::string& text, std::size_t piece, std::int64_t limit = 1 << 20) {
    RequestReader reader(kHeadLimit);
    Read read;
    std::size_t at = 0;
    while (at < text.size() && !reader.body_complete()) {
        std::string_view data = std::string_view(text).substr(at, piece);
        std::size_t used = 0;
        if (!reader.head_complete())
            used += reader.read_head(data);
        if (reader.head_complete() && used < data.size())
            used += reader.read_body(data.substr(used), limit,
                                     [&](std::string_view payload) { read.body.append(payload); });
        at += used;
        if (used < data.size())
            break;  // the rest belongs to the next request
    }
    EXPECT_TRUE(reader.body_complete()) << text.substr(0, 60);
    read.request = std::move(reader.request());
    read.used = at;
    return read;
}

int status_of(const std::string& text, std::size_t piece, std::int64_t limit = 1 << 20) {
    try {
        read_request(text, piece, limit);
    } catch (const HttpError& error) {
        return error.status();
    }
    return 0;
}

const std::vector<std::string> kRequests = {
    "GET /api/classes?q=dog%20house&n=3 HTTP/1.1\r\nHost: 127.0.0.1:80\r\n\r\n",
    "\r\nPOST /api/renders HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n"
    "Content-Type: application/json\r\n\r\n{\"song\": \"a\"}",
    "POST /api/songs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5;ext=1\r\nhello\r\n1\r\n \r\n6\r\nworld!\r\n0\r\nTrailer: yes\r\n\r\n",
    "GET /%2e%2E/a+b HTTP/1.0\n\n",
};
}  // namespace

TEST(RequestReader, ReadsTheSameRequestWhateverTheSplit) {
    const std::vector<std::string> bodies = {"", "{\"song\": \"a\"}", "hello world!", ""};
    for (std::size_t r = 0; r < kRequests.size(); ++r) {
        const Read whole = read_request(kRequests[r], kRequests[r].size());
        EXPECT_EQ(whole.body, bodies[r]) << r;
        EXPECT_EQ(whole.used, kRequests[r].size()) << r;
        for (std::size_t piece = 1; piece < kRequests[r].size(); ++piece) {
            const Read split = read_request(kRequests[r], piece);
            EXPECT_EQ(split.body, whole.body) << r << " in pieces of " << piece;
            EXPECT_EQ(split.request.path, whole.request.path);
            EXPECT_EQ(split.request.query, whole.request.query);
            EXPECT_EQ(split.request.headers, whole.request.headers);
        }
    }
    const Read query = read_request(kRequests[0], 7);
    EXPECT_EQ(query.request.path, "/api/classes");
    EXPECT_EQ(query.request.param("q"), "dog house");
    EXPECT_EQ(query.request.param("n"), "3");
    EXPECT_EQ(query.request.header("host"), "127.0.0.1:80");
    const Read decoded = read_request(kRequests[3], 3);
    EXPECT_EQ(decoded.request.path, "/../a+b");  // '+' is a space in queries only
    EXPECT_EQ(decoded.request.minor_version, 0);
}

TEST(RequestReader, LeavesAPipelinedRequestUnread) {
    const std::string two = kRequests[1] + kRequests[0];
    for (const std::size_t piece : {std::size_t{1}, std::size_t{9}, two.size()}) {
        const Read first = read_request(two, piece);
        EXPECT_EQ(first.used, kRequests[1].size()) << piece;
        EXPECT_EQ(first.body, "{\"song\": \"a\"}");
    }
}

TEST(RequestReader, RefusesMalformedHeads) {
    const std::vector<std::pair<std::string, int>> cases = {
        {"GET /x HTTP/1.1\r\n\r\n", 400},                        // no Host
        {"GET /x HTTP/2.0\r\nHost: x\r\n\r\n", 400},             // version
        {"GET http://evil/x HTTP/1.1\r\nHost: x\r\n\r\n", 400},  // absolute form
        {"GET /x%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400},          // bad escape
        {"GET /x%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400},          // NUL in the path
        {"GET /x HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400},  // obs-fold
        {"GET /x HTTP/1.1\r\nHost : x\r\n\r\n", 400},            // space before colon
        {"GET /x HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400},  // two Hosts
        {"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
         400},  // smuggling
        {"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400},
        {"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
        {"POST /x HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n", 417},
        {"GET /x HTTP/1.1\r\nHost: x\r\nX: " + std::string(kHeadLimit, 'a') + "\r\n\r\n", 431},
    };
    for (const auto& [text, status] : cases) {
        EXPECT_EQ(status_of(text, text.size()), status) << text.substr(0, 80);
        EXPECT_EQ(status_of(text, 5), status) << text.substr(0, 80);
    }
}

TEST(RequestReader, RefusesAnOversizedHeadBeforeItEnds) {
    // An endless header line: refused once the limit passes, whatever follows.
    RequestReader reader(kHeadLimit);
    reader.read_head("GET /x HTTP/1.1\r\nX: ");
    const std::string line(4096, 'a');
    std::size_t fed = 0;
    int status = 0;
    try {
        for (; fed < 10 * kHeadLimit; fed += line.size())
            reader.read_head(line);
    } catch (const HttpError& error) {
        status = error.status();
    }
    EXPECT_EQ(status, 431);
    EXPECT_LE(fed, kHeadLimit + line.size());
}

TEST(RequestReader, CountsTheBodyAgainstTheLimitAsItArrives) {
    const std::string head = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const std::size_t chunk_size : {std::size_t{1}, std::size_t{1000}, std::size_t{65536}}) {
        RequestReader reader(kHeadLimit);
        ASSERT_EQ(reader.read_head(head), head.size());
        const std::string chunk =
            fmt::format("{:x}\r\n{}\r\n", chunk_size, std::string(chunk_size, 'x'));
        const std::int64_t limit = 100000;
        std::int64_t payload = 0;
        int status = 0;
        try {
            for (int i = 0; i < 1000000 && status == 0; ++i)
                reader.read_body(chunk, limit,
                                 [&](std::string_view data) { payload += std::ssize(data); });
        } catch (const HttpError& error) {
            status = error.status();
        }
        EXPECT_EQ(status, 413) << chunk_size;
        // Nothing past the limit is handed on: the refusal comes with the first byte over it.
        EXPECT_LE(payload, limit) << chunk_size;
    }
    // With a length, the same count (the server also refuses an announced length up front).
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n" +
                            std::string(20, 'y'),
                        3, 10),
              413);
    EXPECT_EQ(status_of(head + "zz\r\nab\r\n0\r\n\r\n", 4), 400);           // not hexadecimal
    EXPECT_EQ(status_of(head + "2\r\nabc\r\n0\r\n\r\n", 4), 400);           // longer than said
    EXPECT_EQ(status_of(head + "1000000000000000\r\n", 4), 400);            // 16 hex digits
    EXPECT_EQ(status_of(head + std::string(2000, '1') + "\r\n", 64), 400);  // endless size line
}

TEST(MultipartReader, ReadsTheSamePartsWhateverTheSplit) {
    const std::string boundary = "----b0undary";
    // A file whose bytes hold near-boundaries ("\r\n--", the boundary without its dashes).
    const std::string file = "RIFF\r\n--\r\n----b0und\r\n--x" + std::string(300, '\0') + "end\r\n";
    const std::string body = "preamble\r\n--" + boundary +
                             "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nmy song"
                             "\r\n--" +
                             boundary +
                             "  \r\nContent-Disposition: form-data; name=\"file\"; "
                             "filename=\"a \\\"b\\\".wav\"\r\nContent-Type: audio/wav\r\n\r\n" +
                             file + "\r\n--" + boundary + "--\r\nepilogue";
    for (std::size_t piece = 1; piece <= body.size(); piece += piece < 40 ? 1 : 37) {
        std::vector<MultipartReader::Part> parts;
        std::vector<std::string> contents;
        int ended = 0;
        MultipartReader reader(boundary,
                               {.begin =
                                    [&](const MultipartReader::Part& part) {
                                        parts.push_back(part);
                                        contents.emplace_back();
                                    },
                                .data = [&](std::string_view data) { contents.back() += data; },
                                .end = [&] { ++ended; }});
        for (std::size_t at = 0; at < body.size(); at += piece)
            reader.write(std::string_view(body).substr(at, piece));
        reader.finish();
        ASSERT_EQ(parts.size(), 2u) << piece;
        EXPECT_EQ(ended, 2);
        EXPECT_EQ(parts[0].name, "title");
        EXPECT_FALSE(parts[0].filename.has_value());
        EXPECT_EQ(contents[0], "my song");
        EXPECT_EQ(parts[1].name, "file");
        EXPECT_EQ(parts[1].filename, "a \"b\".wav");
        EXPECT_EQ(parts[1].content_type, "audio/wav");
        EXPECT_TRUE(contents[1] == file) << "pieces of " << piece;
    }
}

TEST(MultipartReader, RefusesBrokenBodies) {
    const auto status = [](const std::string& body) {
        try {
            MultipartReader reader("b", {.begin = [](const MultipartReader::Part&) {},
                                         .data = [](std::string_view) {},
                                         .end = [] {}});
            reader.write(body);
            reader.finish();
        } catch (const HttpError& error) {
            return error.status();
        }
        return 0;
    };
    EXPECT_EQ(status("--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--b--"), 0);
    EXPECT_EQ(status("--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx"), 400);  // cut
    EXPECT_EQ(status("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"), 400);  // no name
    EXPECT_EQ(status("--b\r\nX: " + std::string(10000, 'a')), 400);  // endless part head
    EXPECT_EQ(status("--bjunk\r\n"), 400);
    EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=\"a b\""), "a b");
    EXPECT_EQ(multipart_boundary("Multipart/Form-Data;boundary=xyz"), "xyz");
    EXPECT_EQ(multipart_boundary("application/json"), std::nullopt);
    EXPECT_EQ(multipart_boundary("multipart/form-data"), std::nullopt);
}

TEST(ByteRange, FollowsRfc7233) {
    using Kind = RangeAnswer::Kind;
    struct Case {
        std::string header;
        std::int64_t size;
        Kind kind;
        std::int64_t first, length;
    };
    const std::vector<Case> cases = {
        {"bytes=0-99", 1000, Kind::part, 0, 100},
        {"bytes=990-", 1000, Kind::part, 990, 10},
        {"bytes=100-99999999999999999999", 1000, Kind::part, 100, 900},
        {"bytes=-100", 1000, Kind::part, 900, 100},
        {"bytes=-5000", 1000, Kind::part, 0, 1000},
        {"bytes=999-999", 1000, Kind::part, 999, 1},
        {"bytes=999999999-9999999999", 1000, Kind::unsatisfiable, 0, 0},
        {"bytes=1000-", 1000, Kind::unsatisfiable, 0, 0},
        {"bytes=-0", 1000, Kind::unsatisfiable, 0, 0},
        {"bytes=0-", 0, Kind::unsatisfiable, 0, 0},
        {"bytes=5-2", 1000, Kind::whole, 0, 0},      // invalid: ignored
        {"bytes=0-1,5-6", 1000, Kind::whole, 0, 0},  // several: served whole
        {"items=0-1", 1000, Kind::whole, 0, 0},
        {"bytes=a-b", 1000, Kind::whole, 0, 0},
    };
    for (const auto& c : cases) {
        const RangeAnswer answer = resolve_range(c.header, c.size);
        EXPECT_EQ(answer.kind, c.kind) << c.header;
        if (c.kind == Kind::part) {
            EXPECT_EQ(answer.first, c.first) << c.header;
            EXPECT_EQ(answer.length, c.length) << c.header;
        }
    }
}
