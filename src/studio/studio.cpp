#include "studio/studio.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <optional>

#include "core/error.h"
#include "core/log.h"
#include "core/random.h"
#include "render/biggan_frames.h"
#include "render/text_model.h"
#include "store/model_table.h"
#include "store/store.h"
#include "studio/studio_impl.h"
#include "text/class_names.h"

namespace bgv::studio {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr int kPreviewResolution = 128;
constexpr double kPreviewSecondsMax = 15;
// A preview is played in the page: H.264 in MP4 at the generated size, whatever the render's
// delivery; the frame's shape (aspect, widen) is kept.
constexpr std::array kDeliveryOptions = {"size", "fit", "codec", "pix_fmt", "crf"};

// Test hook (tests/studio): with BIGGANVIZ_STUDIO_TEST_KILL_AT_FRAME=N the process kills itself
// with SIGKILL (nothing cleaned up, as `kill -9` would) once a render reports N frames done, so a
// test cuts a render off at a known point without racing it.
std::optional<std::int64_t> test_kill_at_frame() {
    const char* value = std::getenv("BIGGANVIZ_STUDIO_TEST_KILL_AT_FRAME");
    if (value == nullptr || *value == '\0')
        return std::nullopt;
    return std::stoll(value);
}
}  // namespace

std::string video_file_name(video::Codec codec) {
    return "video" + std::string(video::piece_extension(codec));
}

fs::path default_studio_dir() {
    if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && *data != '\0')
        return fs::path(data) / "bigganviz/studio";
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0')
        fail("neither XDG_DATA_HOME nor HOME is set: give the studio folder with --dir");
    return fs::path(home) / ".local/share/bigganviz/studio";
}

Studio::Impl::Impl(StudioConfig config_)
    : config(std::move(config_)),
      guard(config.host, config.token),
      songs(config.dir / "songs", config.max_duration),
      thumbnails([this] { return biggan_weights(); }, config.threads),
      queue(config.dir / "renders",
            [this](const json& job, const fs::path& folder, const render::RenderHooks& hooks) {
                render::RenderHooks watched = hooks;
                if (const auto kill_at = test_kill_at_frame()) {
                    watched.progress = [&hooks, kill_at](std::int64_t done, std::int64_t total) {
                        hooks.progress(done, total);
                        if (done >= *kill_at)
                            ::kill(::getpid(), SIGKILL);
                    };
                }
                const render::RenderOptions options = render_options(job, folder);
                render::render(options, render::biggan_frames_factory(options.precision), watched);
            }),
      events(queue),
      live(config.live_status) {}

fs::path Studio::Impl::biggan_weights() const {
    if (config.weights)
        return *config.weights;
    store::Store store;
    return store.ensure(store::biggan_model_for_resolution(kPreviewResolution));
}

render::RenderOptions Studio::Impl::render_options(const json& job, const fs::path& folder) const {
    // What the server decides; a request's options (render_options_from_json) may set only the
    // others.
    render::RenderOptions base;
    base.song = songs.audio_path(job.at("song").get<std::string>());
    base.vectors_dir = folder / "saved_vectors";
    base.weights = config.weights;
    base.text_weights = config.text_weights;
    base.threads = config.threads;
    // Checked with the default output of the codec asked for; written in the folder by that name.
    render::RenderOptions options = render::render_options_from_json(job.at("options"), base);
    options.output = folder / video_file_name(options.codec);
    return options;
}

std::string Studio::Impl::queue_render(const json& body, bool preview) {
    if (!body.is_object() || !body.contains("song") || !body.at("song").is_string())
        fail_usage("the body must be {{\"song\": ID, \"options\": {{...}}}}");
    const std::string song = body.at("song").get<std::string>();
    const auto song_record = songs.get(song);
    if (!song_record)
        fail_usage("no song with id '{}' (upload it with POST /api/songs)", song);
    json options = body.value("options", json::object());
    if (!options.is_object())
        fail_usage("\"options\" must be an object of option names (see GET /api/options)");
    if (preview) {
        const json seconds = body.value("seconds", json(4.0));
        if (!seconds.is_number() || !(seconds.get<double>() > 0) ||
            seconds.get<double>() > kPreviewSecondsMax)
            fail_usage("\"seconds\": {} not allowed, expected a number 0–{}", seconds.dump(),
                       kPreviewSecondsMax);
        const json start = body.value("start", json(0.0));
        const double length = song_record->value("duration", 0.0);
        if (!start.is_number() || !(start.get<double>() >= 0 && start.get<double>() < length))
            fail_usage("\"start\": {} not allowed, expected a number 0–{} (the song's length)",
                       start.dump(), length);
        options["resolution"] = kPreviewResolution;
        options["duration"] = seconds;
        options["start"] = start;
        for (const char* name : kDeliveryOptions)
            options.erase(name);
    }
    // The seed is drawn now, so that the job, its resume and its command line agree.
    if (!options.contains("seed"))
        options["seed"] = draw_seed();
    json job = {{"kind", preview ? "preview" : "render"},
                {"song", song},
                {"song_name", song_record->value("name", "")},
                {"options", options}};
    // Typed and checked now, so a bad request is answered 400 and never queued.
    render::RenderOptions shown = render_options(job, queue.folder("checking"));
    job["video"] = video_file_name(shown.codec);
    shown.output.reset();  // the command line's default, output/<song>.mp4 (.mov, .mkv)
    shown.threads = 0;
    job["command"] = render::equivalent_command_line(shown, job.at("song_name").get<std::string>());
    return queue.submit(std::move(job));
}

json Studio::Impl::lyrics_classes(const json& body) {
    if (!body.is_object() || !body.contains("lyrics") || !body.at("lyrics").is_string())
        fail_usage("the body must be {{\"lyrics\": TEXT, \"num_classes\": N}}");
    // Read as JSON types, not converted: 2.9 or 1e300 is no count (a conversion would truncate
    // or overflow).
    const json& count_value = body.contains("num_classes") ? body.at("num_classes") : json(12);
    if (!count_value.is_number_integer() || count_value.get<std::int64_t>() < 1 ||
        count_value.get<std::int64_t>() > 12)
        fail_usage("\"num_classes\": {} not allowed, expected an integer 1–12", count_value.dump());
    const auto count = count_value.get<int>();
    const std::string strategy = body.value("encoding_strategy", "best");
    const json& seed_value = body.contains("seed") ? body.at("seed") : json(0);
    if (!seed_value.is_number_unsigned() &&
        !(seed_value.is_number_integer() && seed_value.get<std::int64_t>() >= 0))
        fail_usage("\"seed\": {} not allowed, expected an integer 0 or more", seed_value.dump());
    const auto seed = seed_value.get<std::uint64_t>();
    text::Lyrics lyrics = text::parse_lyrics(body.at("lyrics").get<std::string>());
    const std::lock_guard lock(lyrics_mutex);
    if (!matcher) {
        const render::TextModel model = render::find_text_model(config.text_weights);
        text_engine = std::make_unique<runtime::Engine>(config.threads);
        matcher = std::make_unique<text::LyricsClassMatcher>(*text_engine, model.model_dir,
                                                             model.class_cache_file);
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

Studio::Studio(StudioConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Studio::~Studio() {
    stop();
}

int Studio::start() {
    Impl& s = *impl_;
    if (!is_loopback_host(s.config.host) && s.config.token.empty())
        fail_usage("--host {} is reachable from other machines: give --token", s.config.host);
    fs::create_directories(s.config.dir);
    s.add_routes();
    s.port = s.server.listen(s.config.host, s.config.port);
    s.guard.set_port(s.port);
    s.server.set_head_check([&s](const HttpRequest& request) { s.guard.check(request); });
    s.queue.start();
    s.events.start();
    s.thumbnails.start();
    s.server.start();
    const std::lock_guard lock(s.state_mutex);
    s.started = true;
    return s.port;
}

void Studio::wait() {
    std::unique_lock lock(impl_->state_mutex);
    impl_->stopped_changed.wait(lock, [&] { return !impl_->started || impl_->stopped; });
}

void Studio::stop() {
    Impl& s = *impl_;
    s.server.stop();
    s.events.stop();
    s.queue.stop();
    s.thumbnails.stop();
    {
        const std::lock_guard lock(s.state_mutex);
        s.stopped = true;
    }
    s.stopped_changed.notify_all();
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
