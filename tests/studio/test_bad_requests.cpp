// Bad requests to the studio each get a JSON error and a 4xx, and the server keeps serving:
// uploads over the limit, not audio, or with a path for a name; a class id of 1000; options out
// of range or not a client's to set; foreign Origin and Host headers; a missing or wrong token.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "audio/flac_writer.h"
#include "core/file.h"
#include "raw_client.h"
#include "studio_process.h"
#include "support/process.h"

using namespace bgv::test;
using nlohmann::json;

namespace {
// Expects a 4xx answer carrying {"error": ...}.
void expect_refused(const httplib::Result& result, int status, const std::string& what) {
    ASSERT_TRUE(result) << what << ": no answer (did the server crash?)";
    EXPECT_EQ(result->status, status) << what << ": " << result->body;
    const json body = json::parse(result->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << what << ": not JSON: " << result->body;
    EXPECT_TRUE(body.contains("error")) << what;
}

class StudioBadRequests : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new fs::path(fresh_temp_dir("studio_bad"));
        studio_ = new StudioProcess(*dir_, {"--max_upload", "100KB"});
    }
    static void TearDownTestSuite() {
        delete studio_;
        fs::remove_all(*dir_);
        delete dir_;
    }
    static fs::path* dir_;
    static StudioProcess* studio_;
};
fs::path* StudioBadRequests::dir_ = nullptr;
StudioProcess* StudioBadRequests::studio_ = nullptr;

std::size_t songs_on_disk(const fs::path& dir) {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir / "songs"))
        ++count;
    return count;
}
}  // namespace

TEST_F(StudioBadRequests, UploadOverTheLimit) {
    auto client = studio_->client();
    // chords_3s.wav is 132 kB, over --max_upload 100KB.
    expect_refused(upload(client, bgv::read_file_text(kSong), "chords.wav"), 413, "too large");
    EXPECT_EQ(songs_on_disk(*dir_), 0u);
}

TEST_F(StudioBadRequests, UploadThatIsNotAudio) {
    auto client = studio_->client();
    expect_refused(upload(client, std::string(5000, 'x') + "not a song", "song.mp3"), 422,
                   "not audio");
    EXPECT_EQ(songs_on_disk(*dir_), 0u);
}

// Issue 18, item 4: an hour of silence in 84 kB (a FLAC at 8 kHz) passes --max_upload but not the
// studio's default 30-minute limit, read from its header before it is decoded.
TEST_F(StudioBadRequests, UploadLongerThanTheDurationLimit) {
    auto client = studio_->client();
    const fs::path song = *dir_ / "hour.flac";
    bgv::audio::test::write_silent_flac(song, 8000, 1, 7032);  // 3600.4 s
    ASSERT_LT(fs::file_size(song), 100'000u);
    const auto result = upload(client, bgv::read_file_text(song), "hour.flac");
    expect_refused(result, 422, "an hour of audio");
    EXPECT_NE(result->body.find("1:00:00 of audio is longer than the 30:00 limit (--max_duration)"),
              std::string::npos)
        << result->body;
    EXPECT_EQ(songs_on_disk(*dir_), 0u);
}

TEST_F(StudioBadRequests, UploadWithAPathForAName) {
    auto client = studio_->client();
    const std::string short_song =
        bgv::read_file_text(fs::path(BGV_TEST_DATA) / "render/data/short_0p3s.wav");
    expect_refused(upload(client, short_song, "../../x"), 400, "path in the name");
    expect_refused(upload(client, short_song, "/etc/passwd"), 400, "absolute path");
    EXPECT_FALSE(fs::exists(*dir_ / "x"));
    EXPECT_FALSE(fs::exists(dir_->parent_path().parent_path() / "x"));
    EXPECT_EQ(songs_on_disk(*dir_), 0u);
    // The same bytes under a plain name are welcome.
    EXPECT_EQ(upload(client, short_song, "x.wav")->status, 201);
}

TEST_F(StudioBadRequests, UploadWithoutTheFileField) {
    auto client = studio_->client();
    expect_refused(client.Post("/api/songs", "{}", "application/json"), 400, "no multipart");
}

TEST_F(StudioBadRequests, ClassIdOutOfRange) {
    auto client = studio_->client();
    expect_refused(client.Get("/api/classes/1000/thumbnail.png"), 400, "class 1000");
    expect_refused(client.Get("/api/classes/-1/thumbnail.png"), 400, "class -1");
    expect_refused(client.Get("/api/classes/dog/thumbnail.png"), 400, "class dog");
    expect_refused(client.Get("/api/classes/random?n=13"), 400, "13 random classes");
}

TEST_F(StudioBadRequests, RenderOptionsOutOfRangeOrNotTheClients) {
    auto client = studio_->client();
    const std::string short_song =
        bgv::read_file_text(fs::path(BGV_TEST_DATA) / "render/data/short_0p3s.wav");
    const std::string song = json_of(upload(client, short_song, "short.wav")).at("id");
    const auto render = [&](const json& options) {
        return post_json(client, "/api/renders", {{"song", song}, {"options", options}});
    };
    expect_refused(render({{"pitch_sensitivity", 500}}), 400, "pitch_sensitivity 500");
    expect_refused(render({{"resolution", 100}}), 400, "resolution 100");
    expect_refused(render({{"classes", {207, 1000}}, {"num_classes", 2}}), 400, "class 1000");
    expect_refused(render({{"classes", {207, 980}}, {"num_classes", 3}}), 400,
                   "-c and -n disagree");
    expect_refused(render({{"frame_length", 500}}), 400, "frame_length not a multiple of 64");
    expect_refused(render({{"sort_by_power", "yes"}}), 400, "flag as text");
    expect_refused(render({{"no_such_option", 1}}), 400, "unknown option");
    expect_refused(render({{"output_file", "/tmp/evil.mp4"}}), 400, "server path");
    expect_refused(render({{"weights", "/etc"}}), 400, "server path");
    expect_refused(post_json(client, "/api/renders", {{"song", "0123456789abcdef"}}), 400,
                   "unknown song");
    expect_refused(client.Post("/api/renders", "{not json", "application/json"), 400, "bad JSON");
    expect_refused(post_json(client, "/api/previews", {{"song", song}, {"seconds", 999}}), 400,
                   "preview too long");
    expect_refused(client.Get("/api/renders/0123456789abcdef"), 404, "unknown render");
    EXPECT_EQ(json_of(client.Get("/api/renders")).size(), 0u);
}

// Issue 18, item 7: a body that is not UTF-8 got 500 (its error message quoted the bad byte,
// and turning that message into JSON failed again).
TEST_F(StudioBadRequests, ABodyThatIsNotUtf8Gets400) {
    auto client = studio_->client();
    for (const std::string& body :
         {std::string("{\"song\": \"\xff\xfe\"}"), std::string("{\"lyrics\": \"caf\xe9\"}"),
          std::string("\xc3\x28")}) {
        expect_refused(client.Post("/api/renders", body, "application/json"), 400, "not UTF-8");
        expect_refused(client.Post("/api/lyrics/classes", body, "application/json"), 400,
                       "not UTF-8");
    }
}

// Issue 18, item 12: what a careless client gets must say what to send.
TEST_F(StudioBadRequests, CarelessRequestsAreToldWhatToSend) {
    auto client = studio_->client();
    expect_refused(client.Get("/api/classes/random?n=12abc"), 400, "n=12abc");
    expect_refused(client.Get("/api/classes/random?n="), 400, "n empty");
    expect_refused(client.Get("/api/classes/random?n=1e1"), 400, "n=1e1");
    EXPECT_EQ(client.Get("/api/classes/random?n=12")->status, 200);
    // A POST without a body names the body it needs.
    RawClient raw(studio_->port());
    ASSERT_TRUE(raw.send("POST /api/renders HTTP/1.1\r\nHost: 127.0.0.1:" +
                         std::to_string(studio_->port()) + "\r\n\r\n"));
    const std::string answer = raw.read_answer();
    EXPECT_EQ(status_of(answer), 400) << answer;
    EXPECT_NE(body_of(answer).find("needs a JSON body: {\\\"song\\\": ID"), std::string::npos)
        << answer;
    // A multipart field "file" that is text, not a file.
    const httplib::MultipartFormDataItems text_field = {{"file", "hello", "", "text/plain"}};
    const auto not_a_file = client.Post("/api/songs", text_field);
    expect_refused(not_a_file, 400, "file field without a file name");
    EXPECT_NE(not_a_file->body.find("holds no file"), std::string::npos) << not_a_file->body;
    EXPECT_EQ(not_a_file->body.find("file name '' is not allowed"), std::string::npos);
    expect_refused(client.Post("/api/songs", httplib::MultipartFormDataItems{{"title", "my song",
                                                                              "", "text/plain"}}),
                   400, "no file field");
    EXPECT_EQ(songs_on_disk(*dir_), 0u);
    // The lyrics' count and seed are JSON integers: 2.9 and 1e300 are refused, not converted.
    for (const json& count : {json(2.9), json(1e300), json(-1), json("3"), json(13)}) {
        const auto refused =
            post_json(client, "/api/lyrics/classes", {{"lyrics", "a dog"}, {"num_classes", count}});
        expect_refused(refused, 400, "num_classes " + count.dump());
        const std::string message = json::parse(refused->body).at("error");
        EXPECT_TRUE(message.starts_with("\"num_classes\": " + count.dump() + " not allowed"))
            << message;
    }
    expect_refused(post_json(client, "/api/lyrics/classes", {{"lyrics", "a dog"}, {"seed", -5}}),
                   400, "seed -5");
}

// Issue 18, item 11: a range past the end got 206 with "Content-Length: 9000000001" and no body.
TEST_F(StudioBadRequests, RangesFollowRfc7233) {
    auto client = studio_->client();
    const std::string song =
        bgv::read_file_text(fs::path(BGV_TEST_DATA) / "render/data/short_0p3s.wav");
    const std::string id = json_of(upload(client, song, "ranges.wav")).at("id");
    const std::string audio = "/api/songs/" + id + "/audio";
    const std::string size = std::to_string(song.size());
    const auto past = client.Get(audio.c_str(), {{"Range", "bytes=999999999-9999999999"}});
    expect_refused(past, 416, "range past the end");
    EXPECT_EQ(past->get_header_value("Content-Range"), "bytes */" + size);
    // A last byte past the end is the end: the length is what is sent.
    const auto tail = client.Get(audio.c_str(), {{"Range", "bytes=100-9999999999"}});
    ASSERT_TRUE(tail);
    EXPECT_EQ(tail->status, 206);
    EXPECT_EQ(tail->get_header_value("Content-Length"), std::to_string(song.size() - 100));
    EXPECT_EQ(tail->get_header_value("Content-Range"),
              "bytes 100-" + std::to_string(song.size() - 1) + "/" + size);
    EXPECT_TRUE(tail->body == song.substr(100));
    const auto last = client.Get(audio.c_str(), {{"Range", "bytes=-10"}});
    ASSERT_TRUE(last);
    EXPECT_EQ(last->status, 206);
    EXPECT_TRUE(last->body == song.substr(song.size() - 10));
    const auto whole = client.Get(audio.c_str(), {{"Range", "bytes=9-5"}});  // invalid: ignored
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->status, 200);
    EXPECT_TRUE(whole->body == song);
    fs::remove_all(*dir_ / "songs" / id);
}

TEST_F(StudioBadRequests, ForeignOriginAndHost) {
    auto client = studio_->client();
    expect_refused(client.Get("/api/options", {{"Origin", "http://evil.example"}}), 403,
                   "foreign Origin");
    expect_refused(
        client.Post("/api/renders", {{"Origin", "http://evil.example"}}, "{}", "application/json"),
        403, "foreign Origin on a POST");
    // DNS rebinding: a foreign name that resolves to 127.0.0.1 arrives with its own Host.
    expect_refused(client.Get("/api/options", {{"Host", "evil.example:80"}}), 421, "foreign Host");
    const std::string own = "http://127.0.0.1:" + std::to_string(studio_->port());
    EXPECT_EQ(client.Get("/api/options", {{"Origin", own}})->status, 200);
    EXPECT_EQ(client.Get("/api/options")->status, 200);  // the server still serves
}

TEST(StudioToken, EveryApiCallNeedsTheToken) {
    const fs::path dir = fresh_temp_dir("studio_token");
    StudioProcess studio(dir, {"--token", "s3cret-token"});
    auto client = studio.client();
    expect_refused(client.Get("/api/options"), 401, "missing token");
    expect_refused(client.Get("/api/options", {{"Authorization", "Bearer wrong"}}), 401,
                   "wrong token");
    expect_refused(client.Get("/api/renders?token=s3cret-tokeX"), 401,
                   "wrong token in the address");
    expect_refused(upload(client, "x", "x.wav"), 401, "upload without token");
    EXPECT_EQ(client.Get("/api/options", {{"Authorization", "Bearer s3cret-token"}})->status, 200);
    EXPECT_EQ(client.Get("/api/renders?token=s3cret-token")->status, 200);
    EXPECT_EQ(client.Get("/")->status, 200);  // the page itself holds no data
    fs::remove_all(dir);
}

TEST(StudioToken, AnotherHostWithoutATokenGetsAGeneratedOne) {
    // 192.0.2.1 (TEST-NET-1) is no address of this machine: the token is generated and printed,
    // then listening fails in one line; nothing listens beyond loopback during the test.
    const auto result =
        run_command(fmt::format("'{}' studio --host 192.0.2.1 --port 0 --dir '{}' 2>&1",
                                kStudioBinary.string(), fresh_temp_dir("studio_host").string()));
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("reachable from other machines; token "), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("cannot listen on 192.0.2.1"), std::string::npos) << result.output;
}

// Issue 18, item 10: --host 127.0.0.2 printed its address and then refused every request to it
// with 421 (only 127.0.0.1 was taken for a loopback Host).
TEST(StudioHost, EveryLoopbackAddressItBindsIsItsHost) {
    for (const std::string address : {"127.0.0.2", "127.1.2.3"}) {
        const fs::path dir = fresh_temp_dir("studio_host_loopback");
        StudioProcess studio(dir, {"--host", address});
        EXPECT_EQ(studio.host(), address);
        auto client = studio.client();  // Host: ADDRESS:PORT
        const auto options = client.Get("/api/options");
        ASSERT_TRUE(options) << address;
        EXPECT_EQ(options->status, 200) << address << ": " << options->body;
        EXPECT_EQ(
            client.Get("/api/options", {{"Host", "localhost:" + std::to_string(studio.port())}})
                ->status,
            200);
        // Another loopback address is still not this studio's name.
        expect_refused(
            client.Get("/api/options", {{"Host", "127.0.0.9:" + std::to_string(studio.port())}}),
            421, "another loopback Host");
    }
}

// Issue 18, item 8: one damaged song.json made GET /api/songs answer 500 for every song.
TEST(StudioSongs, ADamagedSongJsonIsLeftOutWithAWarning) {
    const fs::path dir = fresh_temp_dir("studio_damaged_song");
    StudioProcess studio(dir);
    auto client = studio.client();
    const std::string short_song =
        bgv::read_file_text(fs::path(BGV_TEST_DATA) / "render/data/short_0p3s.wav");
    const std::string kept = json_of(upload(client, short_song, "kept.wav")).at("id");
    for (const std::string damage : {"{not json", "[1, 2]", "{\"id\": \"0123456789abcdef\"}", ""}) {
        const std::string damaged = json_of(upload(client, short_song, "damaged.wav")).at("id");
        bgv::write_file_atomic(dir / "songs" / damaged / "song.json", damage);
        const auto list = client.Get("/api/songs");
        ASSERT_TRUE(list);
        ASSERT_EQ(list->status, 200) << damage << ": " << list->body;
        const json songs = json::parse(list->body);
        ASSERT_EQ(songs.size(), 1u) << damage;
        EXPECT_EQ(songs.at(0).at("id"), kept);
        expect_refused(client.Get(("/api/songs/" + damaged).c_str()), 404, "damaged song");
        fs::remove_all(dir / "songs" / damaged);
    }
}

// Issue 18, item 9: kill -9 during an upload's analysis left songs/.upload-<id>/ with the whole
// upload, and a restarted studio never removed it.
TEST(StudioSongs, UploadsCutOffByACrashAreRemovedAtStart) {
    const fs::path dir = fresh_temp_dir("studio_staging");
    const std::vector<fs::path> staged = {dir / "songs/.upload-0123456789abcdef",
                                          dir / "songs/.upload-fedcba9876543210"};
    for (const auto& folder : staged) {
        fs::create_directories(folder);
        bgv::write_file_atomic(folder / "audio", std::string(100000, 'x'));
    }
    fs::create_directories(dir / "songs/0123456789abcdef");  // a song's folder stays
    StudioProcess studio(dir);  // the folder is cleaned before the address is printed
    for (const auto& folder : staged)
        EXPECT_FALSE(fs::exists(folder)) << folder;
    EXPECT_TRUE(fs::exists(dir / "songs/0123456789abcdef"));
}
