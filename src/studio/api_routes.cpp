// The studio's HTTP routes: the page, and the JSON API of docs/studio.md.
#include <fmt/format.h>

#include <charconv>

#include "choreo/classes.h"
#include "core/error.h"
#include "core/log.h"
#include "core/random.h"
#include "studio/page_assets.h"
#include "studio/studio_impl.h"
#include "text/class_names.h"

namespace bgv::studio {

namespace fs = std::filesystem;
using httplib::Request;
using httplib::Response;
using nlohmann::json;

namespace {
constexpr const char* kId = "([0-9a-f]{16})";
constexpr int kClasses = 1000;

bool is_final(const json& job) {
    const auto state = job.at("state").get<std::string>();
    return state == "done" || state == "failed" || state == "cancelled";
}

// Runs a handler; the errors a request can cause become JSON answers with a 4xx status.
template <typename Body>
void answer(Response& response, Body&& body) {
    try {
        body();
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

json parse_body(const Request& request) {
    if (request.body.empty())
        fail_usage("the request needs a JSON body");
    return json::parse(request.body);
}

int class_id_of(const std::string& text) {
    int id = -1;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc() || end != text.data() + text.size() || id < 0 || id >= kClasses)
        fail_usage("class id {} not allowed, expected an integer 0–999", text);
    return id;
}

void send_page_file(Response& response, const std::string& name) {
    const PageAsset* asset = find_page_asset(name);
    if (asset == nullptr) {
        send_error(response, 404, "no such page");
        return;
    }
    response.set_header("Cache-Control", "no-cache");
    response.set_content(std::string(asset->content), std::string(asset->media_type));
}
}  // namespace

void Studio::Impl::add_routes() {
    server.set_pre_routing_handler([this](const Request& request, Response& response) {
        const auto refusal = guard.check(request);
        if (refusal.status == 0)
            return httplib::Server::HandlerResponse::Unhandled;
        send_error(response, refusal.status, refusal.message);
        return httplib::Server::HandlerResponse::Handled;
    });
    server.set_error_handler([](const Request&, Response& response) {
        if (response.body.empty()) {
            const char* what = response.status == 413   ? "upload larger than --max_upload"
                               : response.status == 404 ? "no such address"
                               : response.status == 400 ? "bad request"
                                                        : "request refused";
            send_error(response, response.status, what);
        }
    });
    server.set_exception_handler([](const Request&, Response& response, std::exception_ptr error) {
        std::string message = "internal error";
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& caught) {
            message = describe(caught);
        } catch (...) {
        }
        log::warn("studio: {}", message);
        send_error(response, 500, message);
    });

    server.Get("/",
               [](const Request&, Response& response) { send_page_file(response, "index.html"); });
    server.Get(R"(/([a-z]+\.(?:js|css|html)))", [](const Request& request, Response& response) {
        send_page_file(response, request.matches[1]);
    });

    server.Get("/api/options", [this](const Request&, Response& response) {
        send_json(response, render::client_options_json());
    });

    server.Get("/api/songs",
               [this](const Request&, Response& response) { send_json(response, songs.list()); });
    server.Post("/api/songs", [this](const Request& request, Response& response) {
        answer(response, [&] {
            if (!request.is_multipart_form_data() || !request.has_file("file"))
                fail_usage("send the song as multipart/form-data in a field named \"file\"");
            const auto file = request.get_file_value("file");
            const json song = songs.add(file.content, file.filename);
            log::info("studio: song {} ({}, {:.1f} s)", song.at("id").get<std::string>(),
                      file.filename, song.at("duration").get<double>());
            send_json(response, song, 201);
        });
    });
    server.Get(fmt::format("/api/songs/{}", kId),
               [this](const Request& request, Response& response) {
                   const auto song = songs.get(request.matches[1]);
                   song ? send_json(response, *song) : send_error(response, 404, "no such song");
               });
    server.Get(fmt::format("/api/songs/{}/(features|picture)\\.png", kId),
               [this](const Request& request, Response& response) {
                   if (!songs.get(request.matches[1]))
                       return send_error(response, 404, "no such song");
                   send_file(response, songs.picture_path(request.matches[1]), "image/png");
               });
    server.Get(fmt::format("/api/songs/{}/audio", kId),
               [this](const Request& request, Response& response) {
                   const auto song = songs.get(request.matches[1]);
                   if (!song)
                       return send_error(response, 404, "no such song");
                   send_file(response, songs.audio_path(request.matches[1]),
                             song->value("media_type", "application/octet-stream"));
               });

    server.Get("/api/classes", [this](const Request& request, Response& response) {
        std::string query = request.get_param_value("q");
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
    server.Get(R"(/api/classes/random)", [](const Request& request, Response& response) {
        answer(response, [&] {
            const int count = request.has_param("n") ? std::stoi(request.get_param_value("n")) : 12;
            if (count < 1 || count > 12)
                fail_usage("n={} not allowed, expected an integer 1–12", count);
            const auto seed = draw_seed();
            send_json(response, {{"classes", choreo::random_classes(count, seed)}, {"seed", seed}});
        });
    });
    server.Get(R"(/api/classes/([^/]+)/thumbnail\.png)",
               [this](const Request& request, Response& response) {
                   answer(response, [&] {
                       const int id = class_id_of(request.matches[1]);
                       const auto file = thumbnails.find(id);
                       if (!file) {
                           thumbnails.prioritise({id});
                           return send_error(response, 404, "thumbnail not made yet");
                       }
                       response.set_header("Cache-Control", "max-age=86400");
                       send_file(response, *file, "image/png");
                   });
               });
    server.Post("/api/lyrics/classes", [this](const Request& request, Response& response) {
        answer(response, [&] { send_json(response, lyrics_classes(parse_body(request))); });
    });

    server.Get("/api/renders",
               [this](const Request&, Response& response) { send_json(response, queue.list()); });
    for (const bool preview : {false, true}) {
        server.Post(preview ? "/api/previews" : "/api/renders",
                    [this, preview](const Request& request, Response& response) {
                        answer(response, [&] {
                            const std::string id = queue_render(parse_body(request), preview);
                            send_json(response, *queue.get(id), 201);
                        });
                    });
    }
    server.Get(fmt::format("/api/renders/{}", kId),
               [this](const Request& request, Response& response) {
                   const auto job = queue.get(request.matches[1]);
                   job ? send_json(response, *job) : send_error(response, 404, "no such render");
               });
    server.Delete(
        fmt::format("/api/renders/{}", kId), [this](const Request& request, Response& response) {
            queue.remove(request.matches[1]) ? send_json(response, {{"deleted", true}})
                                             : send_error(response, 404, "no such render");
        });
    server.Post(fmt::format("/api/renders/{}/cancel", kId), [this](const Request& request,
                                                                   Response& response) {
        queue.cancel(request.matches[1]) ? send_json(response, *queue.get(request.matches[1]))
                                         : send_error(response, 404, "no such render");
    });
    server.Get(fmt::format("/api/renders/{}/video.mp4", kId),
               [this](const Request& request, Response& response) {
                   const auto job = queue.get(request.matches[1]);
                   if (!job || job->at("state") != "done")
                       return send_error(response, 404, "no finished video for this render");
                   send_file(response, queue.folder(request.matches[1]) / "video.mp4", "video/mp4");
               });
    server.Get(fmt::format("/api/renders/{}/events", kId), [this](const Request& request,
                                                                  Response& response) {
        const std::string id = request.matches[1];
        if (!queue.get(id))
            return send_error(response, 404, "no such render");
        response.set_header("Cache-Control", "no-store");
        auto version = std::make_shared<std::uint64_t>(0);
        auto first = std::make_shared<bool>(true);
        response.set_chunked_content_provider(
            "text/event-stream", [this, id, version, first](std::size_t, httplib::DataSink& sink) {
                const auto job =
                    *first ? queue.get(id)
                           : queue.wait_for_change(id, *version, std::chrono::milliseconds(15000));
                *first = false;
                if (!job) {
                    sink.done();
                    return true;
                }
                const std::string event = "data: " + job->dump() + "\n\n";
                if (!sink.write(event.data(), event.size()))
                    return false;
                if (is_final(*job))
                    sink.done();
                return true;
            });
    });
}

}  // namespace bgv::studio
