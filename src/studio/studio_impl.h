// studio/studio_impl: the parts of a running studio (server, songs, thumbnails, render queue)
// that the API routes (api_routes.cpp) and the life cycle (studio.cpp) share.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>

#include "studio/http_guard.h"
#include "studio/http_server.h"
#include "studio/render_events.h"
#include "studio/render_queue.h"
#include "studio/song_library.h"
#include "studio/studio.h"
#include "studio/thumbnails.h"
#include "text/lyrics_classes.h"
#include "video/output_format.h"

namespace bgv::studio {

// A render's video in its folder: "video.mp4", or .mov, .mkv as the codec's own container.
std::string video_file_name(video::Codec codec);

struct Studio::Impl {
    explicit Impl(StudioConfig config_);

    void add_routes();
    // The render a job describes, as render/ runs it.
    render::RenderOptions render_options(const nlohmann::json& job,
                                         const std::filesystem::path& folder) const;
    // Checks a POST /api/renders or /api/previews body and queues it; returns the job's id.
    std::string queue_render(const nlohmann::json& body, bool preview);
    std::filesystem::path biggan_weights() const;
    nlohmann::json lyrics_classes(const nlohmann::json& body);

    StudioConfig config;
    HttpServer server;
    HttpGuard guard;
    SongLibrary songs;
    Thumbnails thumbnails;
    RenderQueue queue;
    RenderEvents events;  // after the queue: it listens to it
    int port = 0;
    std::mutex state_mutex;
    std::condition_variable stopped_changed;
    bool started = false;
    bool stopped = false;
    std::mutex lyrics_mutex;  // the text model is loaded once, on first use
    std::unique_ptr<runtime::Engine> text_engine;
    std::unique_ptr<text::LyricsClassMatcher> matcher;
};

}  // namespace bgv::studio
