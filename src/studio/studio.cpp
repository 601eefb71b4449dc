#include "studio/studio.h"

#include <fmt/format.h>

#include <cstdlib>

#include "core/error.h"
#include "core/log.h"
#include "core/random.h"
#include "render/biggan_frames.h"
#include "store/model_table.h"
#include "store/store.h"
#include "studio/song_section.h"
#include "studio/studio_impl.h"
#include "text/class_names.h"

namespace bgv::studio {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr const char* kTextModel = "all-MiniLM-L6-v2";
constexpr int kPreviewResolution = 128;
constexpr double kPreviewSecondsMax = 15;

std::string quoted(const std::string& word) {
    if (!word.empty() &&
        word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789-_./=:+,") == std::string::npos)
        return word;
    std::string text = "'";
    for (const char c : word) {
        if (c == '\'')
            text.append("'\\''");
        else
            text.push_back(c);
    }
    text.push_back('\'');
    return text;
}
}  // namespace

const std::vector<std::string>& server_only_options() {
    static const std::vector<std::string> keys = {"song",
                                                  "output_file",
                                                  "weights",
                                                  "text_weights",
                                                  "lyrics",
                                                  "use_last_vectors",
                                                  "use_last_classes",
                                                  "threads",
                                                  "shard",
                                                  "verbose",
                                                  "quiet",
                                                  "help"};
    return keys;
}

fs::path default_studio_dir() {
    if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && *data != '\0')
        return fs::path(data) / "bigganviz/studio";
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0')
        fail("neither XDG_DATA_HOME nor HOME is set: give the studio folder with --dir");
    return fs::path(home) / ".local/share/bigganviz/studio";
}

Studio::Impl::Impl(StudioConfig config_, Toolkit toolkit_)
    : config(std::move(config_)),
      toolkit(std::move(toolkit_)),
      guard(config.host, config.token),
      songs(config.dir / "songs", toolkit, config.max_duration),
      thumbnails([this] { return biggan_weights(); }, toolkit, config.threads),
      queue(config.dir / "renders",
            [this](const json& job, const fs::path& folder, const render::RenderHooks& hooks) {
                render::render(render_options(job, folder), render::load_biggan_frames, hooks);
            }) {}

fs::path Studio::Impl::biggan_weights() const {
    if (config.weights)
        return *config.weights;
    store::Store store;
    return store.ensure(store::biggan_model_for_resolution(kPreviewResolution));
}

render::RenderOptions Studio::Impl::render_options(const json& job, const fs::path& folder) const {
    render::RenderOptions o = toolkit.read_render_options(job.at("options")).options;
    o.song = songs.audio_path(job.at("song").get<std::string>());
    if (const double start = job.value("start", 0.0); start > 0) {
        const fs::path section = folder / "section.wav";
        if (!fs::exists(section))
            write_song_section(o.song, start, o.duration.value_or(0), section);
        o.song = section;
    }
    o.output = folder / "video.mp4";
    o.vectors_dir = folder / "saved_vectors";
    o.weights = config.weights;
    o.text_weights = config.text_weights;
    o.threads = config.threads;
    return o;
}

std::string Studio::Impl::queue_render(const json& body, bool preview) {
    if (!body.is_object() || !body.contains("song") || !body.at("song").is_string())
        fail_usage("the body must be {{\"song\": ID, \"options\": {{...}}}}");
    const std::string song = body.at("song").get<std::string>();
    if (!songs.get(song))
        fail_usage("no song with id '{}' (upload it with POST /api/songs)", song);
    json options = body.value("options", json::object());
    if (!options.is_object())
        fail_usage("\"options\" must be an object of long option names");
    for (const auto& key : server_only_options()) {
        if (options.contains(key))
            fail_usage("option \"{}\" is set by the studio, not by a request", key);
    }
    double start = 0;  // a preview's section
    if (preview) {
        const double seconds = body.value("seconds", 4.0);
        if (!(seconds > 0 && seconds <= kPreviewSecondsMax))
            fail_usage("\"seconds\": {} not allowed, expected a number 0–{}", seconds,
                       kPreviewSecondsMax);
        options["resolution"] = kPreviewResolution;
        options["duration"] = seconds;
        start = body.value("start", 0.0);
        const double length = songs.get(song)->value("duration", 0.0);
        if (!(start >= 0 && start < length))
            fail_usage("\"start\": {} not allowed, expected a number 0–{} (the song's length)",
                       start, length);
    }
    // The seed is drawn now, so that the job, its resume and its command line agree.
    if (!options.contains("seed"))
        options["seed"] = draw_seed();
    const RenderRequest request = toolkit.read_render_options(options);
    render::check_options(request.options);
    // A section of the song is cut into the job's folder as section.wav when it runs.
    std::vector<std::string> words = {"bigganviz", "-s",
                                      start > 0 ? "section.wav" : songs.audio_path(song).string()};
    words.insert(words.end(), request.arguments.begin(), request.arguments.end());
    if (config.weights) {
        words.push_back("--weights");
        words.push_back(config.weights->string());
    }
    words.push_back("-o");
    words.push_back("video.mp4");
    std::string command;
    for (const auto& word : words)
        command += fmt::format("{}{}", command.empty() ? "" : " ", quoted(word));
    const auto name = songs.get(song)->value("name", "");
    return queue.submit({{"kind", preview ? "preview" : "render"},
                         {"song", song},
                         {"song_name", name},
                         {"options", options},
                         {"start", start},
                         {"command", command}});
}

json Studio::Impl::lyrics_classes(const json& body) {
    if (!body.is_object() || !body.contains("lyrics") || !body.at("lyrics").is_string())
        fail_usage("the body must be {{\"lyrics\": TEXT, \"num_classes\": N}}");
    const auto count = body.value("num_classes", 12);
    if (count < 1 || count > 12)
        fail_usage("\"num_classes\": {} not allowed, expected an integer 1–12", count);
    const std::string strategy = body.value("encoding_strategy", "best");
    const auto seed = body.value("seed", std::uint64_t{0});
    text::Lyrics lyrics = text::parse_lyrics(body.at("lyrics").get<std::string>());
    const std::lock_guard lock(lyrics_mutex);
    if (!matcher) {
        const fs::path model = store::weights_or_model(
            config.text_weights ? std::optional(config.text_weights->string()) : std::nullopt,
            kTextModel);
        text_engine = std::make_unique<runtime::Engine>(config.threads);
        matcher = std::make_unique<text::LyricsClassMatcher>(
            *text_engine, model,
            store::cache_file_for(model / "model.safetensors", "class-names-minilm", ".npy"));
    }
    const auto chosen = matcher->choose(std::move(lyrics), static_cast<std::size_t>(count),
                                        text::parse_strategy(strategy), seed);
    const auto& names = text::imagenet_class_names();
    json classes = json::array();
    for (const auto& match : chosen.classes)
        classes.push_back({{"id", match.id},
                           {"name", names.at(static_cast<std::size_t>(match.id))},
                           {"similarity", match.similarity}});
    json lines = json::array();
    for (const auto& cue : chosen.cues)
        lines.push_back({{"start", cue.start_seconds},
                         {"class", cue.class_id},
                         {"similarity", cue.similarity},
                         {"text", cue.text}});
    return {{"classes", classes}, {"lines", lines}, {"best_of_a_line", chosen.best_of_a_line}};
}

Studio::Studio(StudioConfig config, Toolkit toolkit)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(toolkit))) {}

Studio::~Studio() {
    stop();
}

int Studio::start() {
    Impl& s = *impl_;
    if (!is_loopback_host(s.config.host) && s.config.token.empty())
        fail_usage("--host {} is reachable from other machines: give --token", s.config.host);
    fs::create_directories(s.config.dir);
    s.server.set_payload_max_length(static_cast<std::size_t>(s.config.max_upload));
    s.add_routes();
    s.port = s.config.port == 0
                 ? s.server.bind_to_any_port(s.config.host)
                 : (s.server.bind_to_port(s.config.host, s.config.port) ? s.config.port : -1);
    if (s.port <= 0)
        fail("cannot listen on {}:{} (in use, or not an address of this machine)", s.config.host,
             s.config.port);
    s.guard.set_port(s.port);
    s.queue.start();
    s.thumbnails.start();
    s.listener = std::thread([&s] { s.server.listen_after_bind(); });
    return s.port;
}

void Studio::wait() {
    if (impl_->listener.joinable())
        impl_->listener.join();
}

void Studio::stop() {
    impl_->server.stop();
    wait();
    impl_->queue.stop();
    impl_->thumbnails.stop();
}

std::string Studio::address() const {
    const std::string& host = impl_->config.host;
    const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    std::string address = fmt::format("http://{}:{}/", shown, impl_->port);
    if (!impl_->config.token.empty())
        address += "?token=" + impl_->config.token;
    return address;
}

}  // namespace bgv::studio
