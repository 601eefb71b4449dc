// The studio's JSON API against the real server on 127.0.0.1 with the tiny test models: songs,
// classes and their thumbnails, lyrics, previews, renders identical to the command line's, cancel,
// and a server killed mid-render that finishes the render when it starts again.
#include <gtest/gtest.h>

#include "core/file.h"
#include "studio_process.h"
#include "support/process.h"

using namespace bgv::test;
using nlohmann::json;

namespace {
// Few, small frames keep the renders fast: 8192 samples per frame, 2.69 frames per second.
const json kRenderOptions = {
    {"frame_length", 8192}, {"duration", 2},       {"truncation", 0.6},     {"seed", 3},
    {"batch_size", 2},      {"segment_frames", 2}, {"classes", {207, 980}}, {"num_classes", 2}};
const std::string kCommandLineArguments =
    "-fl 8192 -d 2 -t 0.6 --seed 3 -bs 2 --segment_frames 2 -c 207 980 -n 2";

std::string song_bytes() {
    return bgv::read_file_text(kSong);
}

// Every frame decoded to RGB24.
std::string decode_rgb(const fs::path& file) {
    return run_output("ffmpeg -v error -i '" + file.string() + "' -f rawvideo -pix_fmt rgb24 -");
}

// The video the command line makes for the same options.
const std::string& command_line_frames() {
    static const std::string frames = [] {
        const fs::path dir = fresh_temp_dir("studio_cli");
        const std::string command = "cd '" + dir.string() + "' && '" + kStudioBinary.string() +
                                    "' -s '" + kSong.string() + "' --weights '" +
                                    kTinyBigGan.string() + "' --threads 1 " +
                                    kCommandLineArguments + " -o cli.mp4 -q";
        EXPECT_EQ(run_command(command).exit_code, 0) << command;
        return decode_rgb(dir / "cli.mp4");
    }();
    return frames;
}

void expect_refused_start(const httplib::Result& result) {
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << result->body;
}

std::string download(httplib::Client& client, const std::string& id, const fs::path& file) {
    const auto result = client.Get(("/api/renders/" + id + "/video.mp4").c_str());
    if (!result || result->status != 200)
        return {};
    bgv::write_file_atomic(file, result->body);
    return decode_rgb(file);
}

class StudioApi : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new fs::path(fresh_temp_dir("studio_api"));
        studio_ = new StudioProcess(*dir_);
        auto client = studio_->client();
        const auto answer = upload(client, song_bytes(), "chords.wav");
        ASSERT_TRUE(answer);
        ASSERT_EQ(answer->status, 201) << answer->body;
        song_ = new std::string(json::parse(answer->body).at("id"));
    }
    static void TearDownTestSuite() {
        delete studio_;
        delete song_;
        fs::remove_all(*dir_);
        delete dir_;
    }
    static fs::path* dir_;
    static StudioProcess* studio_;
    static std::string* song_;
};
fs::path* StudioApi::dir_ = nullptr;
StudioProcess* StudioApi::studio_ = nullptr;
std::string* StudioApi::song_ = nullptr;
}  // namespace

TEST_F(StudioApi, UploadedSongIsAnalysedAndKeptUnderItsId) {
    auto client = studio_->client();
    const json song = json_of(client.Get(("/api/songs/" + *song_).c_str()));
    EXPECT_EQ(song.at("name"), "chords.wav");
    EXPECT_NEAR(song.at("duration").get<double>(), 3.0, 0.01);
    EXPECT_EQ(song.at("frames"), 1 + 66150 / 512);
    // The rhythm analysis: chords at 120 BPM with a kick on every beat (librosa's beat_track on
    // the whole 8 s file finds 117.5 BPM; 3 s leave it within the tracker's tempo grid near 120).
    EXPECT_NEAR(song.at("tempo").get<double>(), 120.0, 10.0);
    EXPECT_GE(song.at("beat_times").size(), 3u);
    const auto picture = client.Get(("/api/songs/" + *song_ + "/features.png").c_str());
    ASSERT_TRUE(picture);
    EXPECT_EQ(picture->status, 200);
    EXPECT_EQ(picture->body.substr(1, 3), "PNG");
    // On disk under the server's id, never the client's name.
    EXPECT_TRUE(fs::is_regular_file(*dir_ / "songs" / *song_ / "audio"));
    EXPECT_FALSE(fs::exists(*dir_ / "songs" / *song_ / "chords.wav"));
    const auto audio = client.Get(("/api/songs/" + *song_ + "/audio").c_str());
    ASSERT_TRUE(audio);
    EXPECT_EQ(audio->body, song_bytes());
}

TEST_F(StudioApi, OptionsAreTheCommandLinesRenderOptions) {
    auto client = studio_->client();
    const json table = json_of(client.Get("/api/options"));
    std::map<std::string, json> by_name;
    for (const auto& option : table.at("options"))
        by_name[option.at("name")] = option;
    ASSERT_TRUE(by_name.contains("pitch_sensitivity"));
    EXPECT_EQ(by_name["pitch_sensitivity"].at("min"), 200);
    EXPECT_EQ(by_name["pitch_sensitivity"].at("max"), 295);
    EXPECT_EQ(by_name["pitch_sensitivity"].at("default"), "220");
    EXPECT_EQ(by_name["pitch_sensitivity"].at("kind"), "integer");
    EXPECT_EQ(by_name["pitch_sensitivity"].at("live"), true);
    EXPECT_EQ(by_name["resolution"].at("choices"), json({"128", "256", "512"}));
    EXPECT_EQ(by_name["frame_length"].at("multiple_of"), 64);
    EXPECT_FALSE(by_name.contains("output_file"));  // server-side paths are not the client's
    EXPECT_FALSE(by_name.contains("weights"));
}

TEST_F(StudioApi, ClassSearchAndThumbnails) {
    auto client = studio_->client();
    const json found = json_of(client.Get("/api/classes?q=retriever"));
    ASSERT_GE(found.at("classes").size(), 2u);
    for (const auto& c : found.at("classes")) {
        std::string name = c.at("name");
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        EXPECT_NE(name.find("retriever"), std::string::npos) << name;
    }
    EXPECT_EQ(json_of(client.Get("/api/classes")).at("classes").size(), 1000u);
    EXPECT_EQ(json_of(client.Get("/api/classes?q=980")).at("classes").at(0).at("name"), "volcano");
    // The thumbnails are made in the background, those the page shows first: a search for
    // "volcano" and a request for 207 put them at the front of the 1000.
    for (int i = 0; i < 600; ++i) {
        const json volcano = json_of(client.Get("/api/classes?q=volcano")).at("classes").at(0);
        if (volcano.at("thumbnail").get<bool>() &&
            client.Get("/api/classes/207/thumbnail.png")->status == 200)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const json progress = json_of(client.Get("/api/classes?q=zzzz")).at("thumbnails");
    EXPECT_EQ(progress.at("total"), 1000);
    EXPECT_GE(progress.at("done").get<int>(), 2);
    EXPECT_NE(progress.at("state"), "failed") << progress.dump();
    const auto png = client.Get("/api/classes/207/thumbnail.png");
    ASSERT_TRUE(png);
    EXPECT_EQ(png->status, 200);
    EXPECT_EQ(png->get_header_value("Content-Type"), "image/png");
    EXPECT_EQ(png->body.substr(1, 3), "PNG");
    // 64 x 64: the PNG's IHDR holds the width and height big-endian at bytes 16 and 20.
    EXPECT_EQ(static_cast<unsigned char>(png->body[19]), 64);
    EXPECT_EQ(static_cast<unsigned char>(png->body[23]), 64);
    // Different classes look different.
    EXPECT_NE(client.Get("/api/classes/980/thumbnail.png")->body, png->body);
    // Kept beside the model in the store's cache, for the next studio.
    bool cached = false;
    for (const auto& entry : fs::directory_iterator(fs::path(kStudioCache) / "derived"))
        cached |= entry.path().filename().string().starts_with("thumbnails-") &&
                  fs::is_regular_file(entry.path() / "207.png");
    EXPECT_TRUE(cached);
}

TEST_F(StudioApi, LyricsChooseClassesWithSimilarities) {
    auto client = studio_->client();
    const json chosen =
        json_of(post_json(client, "/api/lyrics/classes",
                          {{"lyrics", "a dog runs along the beach\nthe volcano glows at night"},
                           {"num_classes", 3}}));
    ASSERT_EQ(chosen.at("classes").size(), 3u) << chosen.dump();
    for (const auto& c : chosen.at("classes")) {
        EXPECT_GE(c.at("id").get<int>(), 0);
        EXPECT_LT(c.at("id").get<int>(), 1000);
        EXPECT_LE(std::abs(c.at("similarity").get<double>()), 1.0 + 1e-6);
    }
}

TEST_F(StudioApi, PreviewIsASmallVideoServedWithRanges) {
    auto client = studio_->client();
    const json job = json_of(post_json(client, "/api/previews",
                                       {{"song", *song_},
                                        {"options", {{"frame_length", 8192}, {"batch_size", 2}}},
                                        {"seconds", 2}}));
    const json done = wait_for_render(client, job.at("id"));
    ASSERT_EQ(done.at("state"), "done") << done.dump();
    EXPECT_EQ(done.at("frames_total"), 6);  // 2 s at 22050/8192 fps
    EXPECT_EQ(done.at("frames_done"), 6);
    const auto part =
        client.Get(("/api/renders/" + job.at("id").get<std::string>() + "/video.mp4").c_str(),
                   {{"Range", "bytes=0-99"}});
    ASSERT_TRUE(part);
    EXPECT_EQ(part->status, 206);
    EXPECT_EQ(part->body.size(), 100u);
    // Fast start: the index comes first, so a player can begin with the first bytes.
    EXPECT_EQ(part->body.substr(4, 4), "ftyp");
    EXPECT_NE(part->body.find("moov"), std::string::npos);
}

TEST_F(StudioApi, RenderGivesTheCommandLinesFrames) {
    auto client = studio_->client();
    const json job =
        json_of(post_json(client, "/api/renders", {{"song", *song_}, {"options", kRenderOptions}}));
    const std::string id = job.at("id");
    EXPECT_NE(job.at("command").get<std::string>().find("--seed 3"), std::string::npos);
    const json done = wait_for_render(client, id);
    ASSERT_EQ(done.at("state"), "done") << done.dump();
    EXPECT_EQ(done.at("frames_done"), 6);
    const std::string frames = download(client, id, *dir_ / "studio.mp4");
    ASSERT_EQ(frames.size(), 6u * 128 * 128 * 3);
    EXPECT_TRUE(frames == command_line_frames()) << "the studio's frames differ from the CLI's";
    // Listed with its parameters, then deleted with its files.
    const json all = json_of(client.Get("/api/renders"));
    EXPECT_TRUE(
        std::any_of(all.begin(), all.end(), [&](const json& j) { return j.at("id") == id; }));
    EXPECT_EQ(client.Delete(("/api/renders/" + id).c_str())->status, 200);
    EXPECT_EQ(client.Get(("/api/renders/" + id).c_str())->status, 404);
    EXPECT_FALSE(fs::exists(*dir_ / "renders" / id));
}

TEST_F(StudioApi, PreviewOfASectionOfTheSong) {
    auto client = studio_->client();
    const json options = {{"frame_length", 8192}, {"batch_size", 2}, {"seed", 4}};
    const auto preview = [&](double start) {
        const json job = json_of(post_json(
            client, "/api/previews",
            {{"song", *song_}, {"options", options}, {"seconds", 1.5}, {"start", start}}));
        const json done = wait_for_render(client, job.at("id"));
        EXPECT_EQ(done.at("state"), "done") << done.dump();
        EXPECT_EQ(done.at("frames_total"), 5);  // 1.5 s at 22050/8192 fps
        return download(client, job.at("id"), *dir_ / ("section.mp4"));
    };
    const std::string from_start = preview(0);
    const std::string from_one = preview(1.2);
    ASSERT_EQ(from_one.size(), 5u * 128 * 128 * 3);
    // The same seed and options on another stretch of the music: other frames.
    EXPECT_NE(from_one, from_start);
    expect_refused_start(post_json(client, "/api/previews",
                                   {{"song", *song_}, {"options", options}, {"start", 3.5}}));
}

namespace {
// The video stream's codec, width and height, and frames counted by decoding.
json video_stream(const fs::path& file) {
    return json::parse(run_output("ffprobe -v error -count_frames -select_streams v -show_entries "
                                  "stream=codec_name,width,height,nb_read_frames -of json '" +
                                  file.string() + "'"))
        .at("streams")
        .at(0);
}
}  // namespace

// A preview keeps the frame's shape (--aspect) but is H.264 at the generated size for the page,
// whatever delivery the options ask for; a ProRes render is a .mov served by that name.
TEST_F(StudioApi, PreviewsKeepTheAspectAndRendersTheirContainer) {
    auto client = studio_->client();
    const json look = {{"frame_length", 8192}, {"batch_size", 2}, {"seed", 5}, {"aspect", "16:9"}};
    json delivered = look;
    delivered.update({{"codec", "ffv1"}, {"size", "640x360"}, {"fit", "blur"}});
    const json preview = json_of(post_json(
        client, "/api/previews", {{"song", *song_}, {"options", delivered}, {"seconds", 1.5}}));
    ASSERT_EQ(wait_for_render(client, preview.at("id")).at("state"), "done");
    EXPECT_EQ(preview.at("video"), "video.mp4");
    ASSERT_FALSE(download(client, preview.at("id"), *dir_ / "wide.mp4").empty());
    EXPECT_EQ(
        video_stream(*dir_ / "wide.mp4"),
        (json{{"codec_name", "h264"}, {"width", 224}, {"height", 128}, {"nb_read_frames", "5"}}));

    json prores = look;
    prores.update({{"codec", "prores"}, {"duration", 1}});
    const json job =
        json_of(post_json(client, "/api/renders", {{"song", *song_}, {"options", prores}}));
    const std::string id = job.at("id");
    EXPECT_EQ(job.at("video"), "video.mov");
    EXPECT_NE(job.at("command").get<std::string>().find("--codec prores"), std::string::npos);
    ASSERT_EQ(wait_for_render(client, id).at("state"), "done");
    EXPECT_EQ(client.Get(("/api/renders/" + id + "/video.mp4").c_str())->status, 404);
    const auto video = client.Get(("/api/renders/" + id + "/video.mov").c_str());
    ASSERT_TRUE(video);
    ASSERT_EQ(video->status, 200);
    EXPECT_EQ(video->get_header_value("Content-Type"), "video/quicktime");
    bgv::write_file_atomic(*dir_ / "render.mov", video->body);
    EXPECT_EQ(
        video_stream(*dir_ / "render.mov"),
        (json{{"codec_name", "prores"}, {"width", 224}, {"height", 128}, {"nb_read_frames", "3"}}));
}

TEST_F(StudioApi, EventsStreamProgressUntilTheEnd) {
    auto client = studio_->client();
    const json job =
        json_of(post_json(client, "/api/renders", {{"song", *song_}, {"options", kRenderOptions}}));
    std::string stream;
    const auto result =
        client.Get(("/api/renders/" + job.at("id").get<std::string>() + "/events").c_str(),
                   [&](const char* data, std::size_t length) {
                       stream.append(data, length);
                       return true;
                   });
    ASSERT_TRUE(result);
    EXPECT_EQ(result->get_header_value("Content-Type"), "text/event-stream");
    json last;
    std::size_t events = 0;
    for (std::size_t at = stream.find("data: "); at != std::string::npos;
         at = stream.find("data: ", at + 1), ++events)
        last = json::parse(stream.substr(at + 6, stream.find("\n\n", at) - at - 6));
    EXPECT_GE(events, 2u);
    EXPECT_EQ(last.at("state"), "done");
    EXPECT_EQ(last.at("frames_done"), last.at("frames_total"));
}

TEST_F(StudioApi, CancelStopsARender) {
    auto client = studio_->client();
    // Many small frames: long enough to be cancelled while it runs.
    json options = {{"frame_length", 64},
                    {"duration", 3},
                    {"seed", 1},
                    {"batch_size", 4},
                    {"segment_frames", 64}};
    const json job =
        json_of(post_json(client, "/api/renders", {{"song", *song_}, {"options", options}}));
    const std::string id = job.at("id");
    // A second one waits behind it and is cancelled while queued.
    const std::string queued =
        json_of(post_json(client, "/api/renders", {{"song", *song_}, {"options", options}}))
            .at("id");
    EXPECT_EQ(json_of(client.Post(("/api/renders/" + queued + "/cancel").c_str())).at("state"),
              "cancelled");
    // Cancelled from its first progress event: the render is running, far from its end.
    const json running = follow_render(
        client, id, [](const json& now) { return now.at("frames_done").get<int>() == 0; });
    ASSERT_EQ(running.at("state"), "running") << running.dump();
    ASSERT_EQ(client.Post(("/api/renders/" + id + "/cancel").c_str())->status, 200);
    const json end = wait_for_render(client, id);
    EXPECT_EQ(end.at("state"), "cancelled") << end.dump();
    EXPECT_LT(end.at("frames_done").get<int>(), end.at("frames_total").get<int>());
    EXPECT_EQ(client.Get(("/api/renders/" + id + "/video.mp4").c_str())->status, 404);
}

TEST(StudioRestart, ARenderCutOffByAKilledServerFinishesAfterARestart) {
    const fs::path dir = fresh_temp_dir("studio_restart");
    std::string id;
    {
        // The studio's test hook kills it with SIGKILL (nothing cleaned up) from the render's
        // progress event at frame 2 of 6: after the first piece, before the last, every time.
        StudioProcess studio(dir, {}, {{"BIGGANVIZ_STUDIO_TEST_KILL_AT_FRAME", "2"}});
        auto client = studio.client();
        const std::string song = json_of(upload(client, song_bytes(), "chords.wav")).at("id");
        id = json_of(
                 post_json(client, "/api/renders", {{"song", song}, {"options", kRenderOptions}}))
                 .at("id");
        studio.stop(0);  // waits for the process to end
        ASSERT_TRUE(studio.killed_by(SIGKILL));
    }
    const json on_disk = json::parse(bgv::read_file_text(dir / "renders" / id / "job.json"));
    EXPECT_EQ(on_disk.at("state"), "running");
    EXPECT_LT(on_disk.at("frames_done").get<int>(), 6);
    StudioProcess studio(dir);
    auto client = studio.client();
    const json done = wait_for_render(client, id);
    ASSERT_EQ(done.at("state"), "done") << done.dump();
    const std::string frames = download(client, id, dir / "resumed.mp4");
    EXPECT_TRUE(frames == command_line_frames()) << "the resumed render's frames differ";
    if (!HasFailure())
        fs::remove_all(dir);
}
