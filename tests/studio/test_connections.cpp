// The studio under load and hostile clients (issue 18), against the real server on 127.0.0.1:
// open event streams and slow clients hold no worker, a request's head and body have deadlines,
// a chunked upload is refused at --max_upload as it arrives, connections per client are capped,
// and the token is checked before a body is read.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "core/file.h"
#include "raw_client.h"
#include "studio_process.h"
#include "support/process.h"

using namespace bgv::test;
using nlohmann::json;

namespace {
// 3 s of 64-sample frames: 1034 frames in batches of 4, minutes on a loaded machine; every test
// that queues it cancels it.
const json kLongRender = {
    {"frame_length", 64}, {"duration", 3}, {"seed", 1}, {"batch_size", 4}, {"segment_frames", 64}};

std::string song_bytes() {
    return bgv::read_file_text(kSong);
}

std::string host_header(const StudioProcess& studio) {
    return "Host: 127.0.0.1:" + std::to_string(studio.port()) + "\r\n";
}

// kB of the process's resident memory: now (VmRSS) and at its peak (VmHWM).
struct Memory {
    long rss_kb = 0;
    long peak_kb = 0;
};
Memory memory_of(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    Memory memory;
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with("VmRSS:"))
            memory.rss_kb = std::stol(line.substr(6));
        else if (line.starts_with("VmHWM:"))
            memory.peak_kb = std::stol(line.substr(6));
    }
    EXPECT_GT(memory.peak_kb, 0) << "no VmHWM in /proc/" << pid << "/status";
    return memory;
}

// An event stream opened by hand, read until its first event.
std::unique_ptr<RawClient> open_stream(const StudioProcess& studio, const std::string& path) {
    auto stream = std::make_unique<RawClient>(studio.port());
    EXPECT_TRUE(stream->send("GET " + path + " HTTP/1.1\r\n" + host_header(studio) + "\r\n"));
    const std::string first = stream->read_until(
        [](const std::string& text) { return text.find("data: ") != std::string::npos; });
    EXPECT_EQ(status_of(first), 200) << first;
    return stream;
}

// A client that sends a request's first lines and never ends its head (slowloris).
std::unique_ptr<RawClient> open_slow_client(const StudioProcess& studio) {
    auto slow = std::make_unique<RawClient>(studio.port());
    EXPECT_TRUE(
        slow->send("GET /api/options HTTP/1.1\r\n" + host_header(studio) + "X-Slow: 1\r\n"));
    return slow;
}

// Seconds GET /api/options takes to answer 200 (the client gives up after 30 s).
double options_seconds(const StudioProcess& studio) {
    auto client = studio.client();
    client.set_read_timeout(30, 0);
    const auto start = std::chrono::steady_clock::now();
    const auto answer = client.Get("/api/options");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(answer && answer->status == 200) << "no answer to GET /api/options";
    return answer && answer->status == 200 ? seconds : 1e9;
}

// Issue 18, item 1 (and 2): the streams and slow clients are open while the options are asked
// for three times. The bound is 1 s; the best of three must make it, and every one must
// answer within 10 s: on a loaded 2-core machine one request can wait seconds for a core, while
// a frozen server (the bug: every worker held) does not answer at all.
void expect_quick_answers_with(int streams_on_running, int streams_on_queued) {
    const fs::path dir = fresh_temp_dir("studio_streams");
    StudioProcess studio(dir);
    auto client = studio.client();
    const std::string song = json_of(upload(client, song_bytes(), "chords.wav")).at("id");
    const auto queue = [&] {
        return json_of(
                   post_json(client, "/api/renders", {{"song", song}, {"options", kLongRender}}))
            .at("id")
            .get<std::string>();
    };
    const std::string running = queue();
    const std::string queued = queue();  // waits behind the first: its streams stay quiet
    std::vector<std::unique_ptr<RawClient>> open;
    for (int i = 0; i < streams_on_running; ++i)
        open.push_back(open_stream(studio, "/api/renders/" + running + "/events"));
    for (int i = 0; i < streams_on_queued; ++i)
        open.push_back(open_stream(studio, "/api/renders/" + queued + "/events"));
    open.push_back(open_stream(studio, "/api/events"));
    for (int i = 0; i < 8; ++i)
        open.push_back(open_slow_client(studio));
    std::vector<double> seconds;
    for (int i = 0; i < 3; ++i)
        seconds.push_back(options_seconds(studio));
    const double best = *std::min_element(seconds.begin(), seconds.end());
    std::cout << "GET /api/options with " << streams_on_running + streams_on_queued + 1
              << " event streams and 8 slow clients open: " << seconds[0] << ", " << seconds[1]
              << ", " << seconds[2] << " s\n";
    EXPECT_LT(best, 1.0);
    for (const double s : seconds)
        EXPECT_LT(s, 10.0);
    // The slow clients are still held (not refused) while this happened.
    EXPECT_TRUE(open.back()->send("X-Slower: 2\r\n"));
    for (const std::string& id : {queued, running})
        client.Post(("/api/renders/" + id + "/cancel").c_str());
    EXPECT_EQ(wait_for_render(client, running).at("state"), "cancelled");
}
}  // namespace

TEST(StudioConnections, EightEventStreamsAndEightSlowClientsLeaveTheStudioAnswering) {
    expect_quick_answers_with(8, 0);
}

TEST(StudioConnections, TwoHundredEventStreamsLeaveTheStudioAnswering) {
    expect_quick_answers_with(8, 192);
}

// Issue 18, item 2: a head that never ends, or a body that trickles, is cut off with 408 once its
// deadline passes (10 s for a head; 10 s plus 1 s per 64 KiB for a body). The clients send a
// line or a byte each second; what is checked is the answer, not when it came.
TEST(StudioConnections, ASlowHeadOrBodyGets408AndTheConnectionCloses) {
    const fs::path dir = fresh_temp_dir("studio_slowloris");
    StudioProcess studio(dir);
    const auto trickle = [&](const std::string& start, const std::string& each) {
        RawClient slow(studio.port());
        EXPECT_TRUE(slow.send(start));
        std::string answer;
        for (int i = 0; i < 60 && answer.empty(); ++i) {
            if (!slow.send(each))
                break;
            answer = slow.read_until([](const std::string& text) { return !text.empty(); }, 1.0);
        }
        answer += slow.read_to_end();
        EXPECT_TRUE(slow.closed_by_server());
        return answer;
    };
    std::string head_answer;
    std::thread head([&] {
        head_answer =
            trickle("GET /api/options HTTP/1.1\r\n" + host_header(studio), "X-Slow: 1\r\n");
    });
    const std::string body_answer = trickle("POST /api/renders HTTP/1.1\r\n" + host_header(studio) +
                                                "Content-Type: application/json\r\n"
                                                "Content-Length: 100000\r\n\r\n",
                                            " ");
    head.join();
    EXPECT_EQ(status_of(head_answer), 408) << head_answer;
    EXPECT_NE(body_of(head_answer).find("head took more than 10 s"), std::string::npos);
    EXPECT_EQ(status_of(body_answer), 408) << body_answer;
    EXPECT_NE(body_of(body_answer).find("slower than"), std::string::npos);
    EXPECT_EQ(studio.client().Get("/api/options")->status, 200);
}

// Issue 18, item 3: a chunked upload was read whole (and decoded) whatever --max_upload said.
// 100 MB sent in chunks at --max_upload 1MB: 413 once the bytes pass 1 MB, the studio's memory
// peak grows by less than 20 MB, and nothing of the upload stays on disk.
TEST(StudioConnections, AChunkedUploadIsRefusedAtTheLimitAsItArrives) {
    const fs::path dir = fresh_temp_dir("studio_chunked");
    StudioProcess studio(dir, {"--max_upload", "1MB"});
    // The thumbnails are made in the background from the start: the peak is read once they are
    // under way, so that it measures the upload and not them.
    ASSERT_EQ(studio.client().Get("/api/classes?q=zz")->status, 200);
    const Memory before = memory_of(studio.pid());
    RawClient uploader(studio.port());
    ASSERT_TRUE(uploader.send("POST /api/songs HTTP/1.1\r\n" + host_header(studio) +
                              "Content-Type: multipart/form-data; boundary=XyZ\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n"));
    const std::string part_head =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.wav\"\r\n\r\n";
    ASSERT_TRUE(uploader.send(fmt::format("{:x}\r\n{}\r\n", part_head.size(), part_head)));
    std::atomic<bool> answered = false;
    std::string answer;
    std::thread reader([&] {
        answer = uploader.read_answer();
        answered = true;
    });
    const std::string chunk = fmt::format("{:x}\r\n{}\r\n", 65536, std::string(65536, 'a'));
    const std::int64_t total = 100LL << 20;
    std::int64_t sent = 0;
    while (sent < total && !answered && uploader.send(chunk))
        sent += 65536;
    reader.join();
    const Memory after = memory_of(studio.pid());
    EXPECT_EQ(status_of(answer), 413) << answer;
    EXPECT_NE(body_of(answer).find("larger than the 1048576 bytes allowed"), std::string::npos)
        << answer;
    EXPECT_LT(sent, total) << "the studio read the whole upload";
    std::cout << "sent " << sent / 1024 << " KiB before the answer; studio memory peak "
              << before.peak_kb << " -> " << after.peak_kb << " kB, now " << after.rss_kb
              << " kB\n";
    EXPECT_LT(after.peak_kb - before.peak_kb, 20 * 1024);
    std::size_t staged = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir / "songs"))
        ++staged;
    EXPECT_EQ(staged, 0u);
    // With a Content-Length over the limit: refused on the head, before any body byte.
    RawClient announced(studio.port());
    ASSERT_TRUE(announced.send("POST /api/songs HTTP/1.1\r\n" + host_header(studio) +
                               "Content-Type: multipart/form-data; boundary=XyZ\r\n"
                               "Content-Length: 104857600\r\nExpect: 100-continue\r\n\r\n"));
    EXPECT_EQ(status_of(announced.read_answer()), 413);
}

// The token is checked on the head: a request without it is answered 401 before a byte of its
// body is read, and an upload asking "Expect: 100-continue" is never told to go on.
TEST(StudioConnections, TheTokenIsCheckedBeforeTheBodyIsRead) {
    const fs::path dir = fresh_temp_dir("studio_token_first");
    StudioProcess studio(dir, {"--token", "s3cret"});
    RawClient client(studio.port());
    ASSERT_TRUE(client.send("POST /api/songs HTTP/1.1\r\n" + host_header(studio) +
                            "Content-Type: multipart/form-data; boundary=XyZ\r\n"
                            "Content-Length: 104857600\r\nExpect: 100-continue\r\n\r\n"));
    const std::string answer = client.read_answer();
    EXPECT_EQ(status_of(answer), 401) << answer;
    EXPECT_EQ(answer.find("100 Continue"), std::string::npos);
}

// One address may hold 256 connections; the next is answered 429 at once, without a byte read,
// and once the others are done a new one is served again.
TEST(StudioConnections, ConnectionsFromOneClientAreCapped) {
    const fs::path dir = fresh_temp_dir("studio_cap");
    StudioProcess studio(dir);
    std::vector<std::unique_ptr<RawClient>> held;
    for (int i = 0; i < 256; ++i)
        held.push_back(std::make_unique<RawClient>(studio.port()));
    RawClient extra(studio.port());
    const std::string refused = extra.read_answer();
    EXPECT_EQ(status_of(refused), 429) << refused;
    EXPECT_NE(body_of(refused).find("the most one client may have"), std::string::npos);
    // Each held connection asks for the options and is closed by the studio once answered (the
    // studio counts it out before it closes, so the client's end of file comes after).
    for (auto& connection : held) {
        ASSERT_TRUE(connection->send("GET /api/options HTTP/1.1\r\n" + host_header(studio) +
                                     "Connection: close\r\n\r\n"));
        EXPECT_EQ(status_of(connection->read_to_end()), 200);
    }
    EXPECT_EQ(studio.client().Get("/api/options")->status, 200);
}

// Requests sent back to back on one connection are answered in order, refused ones included,
// however many there are.
TEST(StudioConnections, PipelinedRequestsAreAnsweredInOrder) {
    const fs::path dir = fresh_temp_dir("studio_pipelined");
    StudioProcess studio(dir);
    RawClient client(studio.port());
    std::string requests;
    std::vector<int> expected;
    for (int i = 0; i < 300; ++i) {
        const bool known = i % 3 == 0;
        requests += std::string("GET ") + (known ? "/api/options" : "/no/such/page") +
                    " HTTP/1.1\r\n" + host_header(studio) + "\r\n";
        expected.push_back(known ? 200 : 404);
    }
    requests += "GET /api/classes/random?n=2 HTTP/1.1\r\n" + host_header(studio) +
                "Connection: close\r\n\r\n";
    expected.push_back(200);
    ASSERT_TRUE(client.send(requests));
    const std::string answers = client.read_to_end();
    std::vector<int> statuses;
    for (auto at = answers.find("HTTP/1.1 "); at != std::string::npos;
         at = answers.find("HTTP/1.1 ", at + 1))
        statuses.push_back(std::stoi(answers.substr(at + 9, 3)));
    EXPECT_EQ(statuses, expected);
}
