// The studio's HTTP routes: the page, and the JSON API of docs/studio.md.
#include <fmt/format.h>

#include <charconv>
#include <optional>

#include "choreo/classes.h"
#include "core/error.h"
#include "core/log.h"
#include "core/random.h"
#include "studio/page_assets.h"
#include "studio/song_upload.h"
#include "studio/studio_impl.h"
#include "text/class_names.h"

namespace bgv::studio {

namespace fs = std::filesystem;
using nlohmann::json;
using Request = HttpRequest;
using Response = HttpResponse;

namespace {
constexpr const char* kId = "([0-9a-f]{16})";
constexpr int kClasses = 1000;

// Runs a handler; the errors a request can cause become JSON answers with a 4xx status (what
// escapes is a bug: the server logs it and answers 500).
template <typename Body>
void answer(Response& response, Body&& body) {
    try {
        body();
    } catch (const HttpError&) {
        throw;
    } catch (const json::exception& error) {
        send_error(response, 400, fmt::format("bad JSON: {}", error.what()));
    } catch (const UsageError& error) {
        send_error(response, 400, describe(error));
    } catch (const std::logic_error& error) {  // std::stoi and friends on a bad parameter
        send_error(response, 400, fmt::format("bad parameter: {}", error.what()));
    } catch (const Error& error) {
        send_error(response, 422, describe(error));
    }
}

// `shape` says what the body should be, for the message when there is none.
json parse_body(const Request& request, std::string_view shape) {
    if (request.body.empty())
        fail_usage("{} {} needs a JSON body: {}", request.method, request.path, shape);
    return json::parse(request.body);
}

// The whole text as an integer in [min, max], else nullopt.
std::optional<int> integer_in(const std::string& text, int min, int max) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < min || value > max)
        return std::nullopt;
    return value;
}

int class_id_of(const std::string& text) {
    const auto id = integer_in(text, 0, kClasses - 1);
    if (!id)
        fail_usage("class id {} not allowed, expected an integer 0–999", text);
    return *id;
}

void send_page_file(Response& response, const std::string& name) {
    const PageAsset* asset = find_page_asset(name);
    if (asset == nullptr) {
        send_error(response, 404, "no such page");
        return;
    }
    response.set_header("Cache-Control", "no-cache");
    response.content_type = std::string(asset->media_type);
    response.body = std::string(asset->content);
}
}  // namespace

void Studio::Impl::add_routes() {
    using Options = RouteOptions;
    const auto route = [this](const std::string& method, const std::string& pattern,
                              std::function<void(Request&, Response&)> handler,
                              Options options = {}) {
        server.add_route(
            method, pattern,
            [handler = std::move(handler)](Request& request, Response& response) {
                answer(response, [&] { handler(request, response); });
            },
            std::move(options));
    };
    const std::string id_group = kId;

    route("GET", "/", [](Request&, Response& response) { send_page_file(response, "index.html"); });
    route("GET", R"(/([a-z]+\.(?:js|css|html)))", [](Request& request, Response& response) {
        send_page_file(response, request.matches[0]);
    });

    route("GET", "/api/options",
          [](Request&, Response& response) { send_json(response, render::client_options_json()); });

    route("GET", "/api/songs",
          [this](Request&, Response& response) { send_json(response, songs.list()); });
    // The body goes to disk as it arrives; its analysis takes seconds, on the slow workers.
    route(
        "POST", "/api/songs",
        [this](Request& request, Response& response) {
            auto& upload = static_cast<SongUpload&>(*request.sink);
            const json song = songs.add(upload);
            log::info("studio: song {} ({}, {:.1f} s)", song.at("id").get<std::string>(),
                      upload.client_name(), song.at("duration").get<double>());
            send_json(response, song, 201);
        },
        Options{
            .slow = true, .max_body = config.max_upload, .sink = [this](const Request& request) {
                return songs.start_upload(request.header("content-type"));
            }});
    route("GET", "/api/songs/" + id_group, [this](Request& request, Response& response) {
        const auto song = songs.get(request.matches[0]);
        song ? send_json(response, *song) : send_error(response, 404, "no such song");
    });
    route("GET", "/api/songs/" + id_group + R"(/(features|picture)\.png)",
          [this](Request& request, Response& response) {
              if (!songs.get(request.matches[0]))
                  return send_error(response, 404, "no such song");
              send_file(response, songs.picture_path(request.matches[0]), "image/png");
          });
    route("GET", "/api/songs/" + id_group + "/audio", [this](Request& request, Response& response) {
        const auto song = songs.get(request.matches[0]);
        if (!song)
            return send_error(response, 404, "no such song");
        send_file(response, songs.audio_path(request.matches[0]),
                  song->value("media_type", "application/octet-stream"));
    });

    route("GET", "/api/classes", [this](Request& request, Response& response) {
        std::string query = request.param("q").value_or("");
        std::transform(query.begin(), query.end(), query.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const auto& names = text::imagenet_class_names();
        json classes = json::array();
        for (int id = 0; id < kClasses; ++id) {
            std::string name = names.at(static_cast<std::size_t>(id));
            std::string lower = name;
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (query.empty() || lower.find(query) != std::string::npos ||
                query == std::to_string(id))
                classes.push_back(
                    {{"id", id}, {"name", name}, {"thumbnail", thumbnails.find(id).has_value()}});
        }
        // The grid fills first where the user looks.
        std::vector<int> shown;
        for (const auto& c : classes) {
            if (!c.at("thumbnail").get<bool>())
                shown.push_back(c.at("id").get<int>());
        }
        if (static_cast<int>(shown.size()) < kClasses)
            thumbnails.prioritise(shown);
        send_json(response, {{"classes", classes}, {"thumbnails", thumbnails.progress()}});
    });
    route("GET", "/api/classes/random", [](Request& request, Response& response) {
        const std::string n = request.param("n").value_or("12");
        const auto count = integer_in(n, 1, 12);
        if (!count)
            fail_usage("n={} not allowed, expected an integer 1–12", n);
        const auto seed = draw_seed();
        send_json(response, {{"classes", choreo::random_classes(*count, seed)}, {"seed", seed}});
    });
    route("GET", R"(/api/classes/([^/]+)/thumbnail\.png)",
          [this](Request& request, Response& response) {
              const int id = class_id_of(request.matches[0]);
              const auto file = thumbnails.find(id);
              if (!file) {
                  thumbnails.prioritise({id});
                  return send_error(response, 404, "thumbnail not made yet");
              }
              send_file(response, *file, "image/png");
              if (response.file)
                  response.set_header("Cache-Control", "max-age=86400");
          });
    // The first call loads the text model: seconds, on the slow workers.
    route(
        "POST", "/api/lyrics/classes",
        [this](Request& request, Response& response) {
            send_json(response,
                      lyrics_classes(parse_body(request, R"({"lyrics": TEXT, "num_classes": N})")));
        },
        Options{.slow = true});

    route("GET", "/api/renders",
          [this](Request&, Response& response) { send_json(response, queue.list()); });
    for (const bool preview : {false, true}) {
        route("POST", preview ? "/api/previews" : "/api/renders",
              [this, preview](Request& request, Response& response) {
                  const json body = parse_body(request, R"({"song": ID, "options": {...}})");
                  const std::string id = queue_render(body, preview);
                  send_json(response, *queue.get(id), 201);
              });
    }
    route("GET", "/api/renders/" + id_group, [this](Request& request, Response& response) {
        const auto job = queue.get(request.matches[0]);
        job ? send_json(response, *job) : send_error(response, 404, "no such render");
    });
    // Waits for a running render to stop: on the slow workers.
    route(
        "DELETE", "/api/renders/" + id_group,
        [this](Request& request, Response& response) {
            queue.remove(request.matches[0]) ? send_json(response, {{"deleted", true}})
                                             : send_error(response, 404, "no such render");
        },
        Options{.slow = true});
    route("POST", "/api/renders/" + id_group + "/cancel",
          [this](Request& request, Response& response) {
              queue.cancel(request.matches[0]) ? send_json(response, *queue.get(request.matches[0]))
                                               : send_error(response, 404, "no such render");
          });
    // The video by the name its job gives (video.mp4, .mov for ProRes, .mkv for FFV1).
    route("GET", "/api/renders/" + id_group + R"(/(video\.(mp4|mov|mkv)))",
          [this](Request& request, Response& response) {
              const auto job = queue.get(request.matches[0]);
              if (!job || job->at("state") != "done" ||
                  job->value("video", "video.mp4") != request.matches[1])
                  return send_error(response, 404, "no finished video for this render");
              const std::string& extension = request.matches[2];
              send_file(response, queue.folder(request.matches[0]) / request.matches[1],
                        extension == "mp4"   ? "video/mp4"
                        : extension == "mov" ? "video/quicktime"
                                             : "video/x-matroska");
          });
    // Event streams are written by the server's event loop: an open one holds no worker.
    route("GET", "/api/renders/" + id_group + "/events",
          [this](Request& request, Response& response) {
              if (!queue.get(request.matches[0]))
                  return send_error(response, 404, "no such render");
              response.content_type = "text/event-stream";
              response.stream = std::make_shared<EventStream>();
              events.follow(response.stream, request.matches[0]);
          });
    route("GET", "/api/events", [this](Request&, Response& response) {
        response.content_type = "text/event-stream";
        response.stream = std::make_shared<EventStream>();
        events.follow_all(response.stream);
    });
}

}  // namespace bgv::studio
