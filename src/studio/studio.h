// studio/studio: `bigganviz studio`, a web server on the user's own machine whose page shows a
// song, its classes and a preview before rendering, and queues renders through render/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "features/features.h"
#include "features/rhythm.h"
#include "render/renderer.h"

namespace bgv::studio {

// A render as the command line would run it: checked options and the words that say so.
struct RenderRequest {
    render::RenderOptions options;
    std::vector<std::string> arguments;  // "--resolution", "128", ... (without -s and -o)
};

// What the command line lends the studio (studio/ may not use cli/): its option table, its way
// of reading options, and its pictures, so that a page, a script and the command line agree.
struct Toolkit {
    nlohmann::json options;  // GET /api/options: the render options the page may set
    // {"resolution": 128, "classes": [207, 980], ...} → checked options; throws UsageError
    // naming the option, the value and what is allowed.
    std::function<RenderRequest(const nlohmann::json& options)> read_render_options;
    // The features picture of `bigganviz analyze`, with the rhythm's curves and beats.
    std::function<std::string(const features::Features& features, const features::Rhythm& rhythm)>
        features_png;
    std::function<std::string(std::span<const std::uint8_t> rgb, int width, int height)> rgb_png;
};

struct StudioConfig {
    std::filesystem::path dir;  // songs/, renders/, studio state
    std::string host = "127.0.0.1";
    int port = 0;       // 0: any free port
    std::string token;  // empty: no token asked (only allowed on loopback)
    std::int64_t max_upload = 200LL << 20;
    // Longest song an upload may hold (read from its header before decoding); none: no limit.
    std::optional<double> max_duration = 30 * 60;
    std::optional<std::filesystem::path> weights;       // BigGAN for every render and thumbnail
    std::optional<std::filesystem::path> text_weights;  // MiniLM for lyrics
    int threads = 0;
};

// Render options a request may not set: they name files on the server (song, output_file,
// weights, text_weights, lyrics) or concern the server's process (threads, use_last_*, ...).
const std::vector<std::string>& server_only_options();

// $XDG_DATA_HOME/bigganviz/studio, else ~/.local/share/bigganviz/studio.
std::filesystem::path default_studio_dir();

class Studio {
  public:
    Studio(StudioConfig config, Toolkit toolkit);
    ~Studio();
    Studio(const Studio&) = delete;
    Studio& operator=(const Studio&) = delete;

    // Binds (throws bgv::Error when it cannot), resumes unfinished renders and serves in the
    // background. Returns the port bound.
    int start();
    // Blocks until stop() is called (from another thread or a signal).
    void wait();
    void stop();
    std::string address() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace bgv::studio
