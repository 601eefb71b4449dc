// studio/thumbnails: one small picture per ImageNet class, made by the studio's BigGAN in the
// background once per model and kept beside it in the store's cache, so the class grid shows what
// each class looks like with the model that will render.
#pragma once

#include <atomic>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "studio/studio.h"

namespace bgv::studio {

inline constexpr int kThumbnailSize = 64;

class Thumbnails {
  public:
    // `weights` finds the model (it may fetch it); called on the background thread.
    Thumbnails(std::function<std::filesystem::path()> weights, int threads);
    ~Thumbnails();

    void start();
    void stop();
    // {"done", "total", "state": "starting" | "making" | "ready" | "failed", "error"}
    nlohmann::json progress() const;
    // The class's PNG file once made.
    std::optional<std::filesystem::path> find(int class_id) const;
    // Makes these classes next (those the page shows now), in this order.
    void prioritise(const std::vector<int>& class_ids);

  private:
    void make_all();

    std::function<std::filesystem::path()> weights_;
    int threads_;
    mutable std::mutex mutex_;
    std::filesystem::path folder_;
    std::string state_ = "starting";
    std::string error_;
    int done_ = 0;
    std::deque<int> pending_;  // classes not made yet, the next first
    std::atomic<bool> stopping_{false};
    std::thread worker_;
};

}  // namespace bgv::studio
