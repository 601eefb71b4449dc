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

#include "render/renderer.h"

namespace bgv::studio {

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

// $XDG_DATA_HOME/bigganviz/studio, else ~/.local/share/bigganviz/studio.
std::filesystem::path default_studio_dir();

class Studio {
  public:
    explicit Studio(StudioConfig config);
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
