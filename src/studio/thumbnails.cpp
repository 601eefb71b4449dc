#include "studio/thumbnails.h"

#include <algorithm>
#include <random>
#include <vector>

#include "choreo/vectors.h"
#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "image/png.h"
#include "render/biggan_frames.h"
#include "store/store.h"

namespace bgv::studio {

namespace fs = std::filesystem;

namespace {
constexpr int kClasses = choreo::kImageNetClasses;
constexpr std::size_t kBatch = 8;
constexpr double kTruncation = 0.4;  // typical-looking members of the class
constexpr std::uint32_t kNoiseSeed = 2024;

// The file that identifies a model: the weights file itself, or the largest file of its folder.
fs::path identifying_file(const fs::path& weights) {
    if (!fs::is_directory(weights))
        return weights;
    fs::path largest;
    std::uintmax_t size = 0;
    for (const auto& entry : fs::directory_iterator(weights)) {
        if (entry.is_regular_file() && entry.file_size() > size) {
            size = entry.file_size();
            largest = entry.path();
        }
    }
    if (largest.empty())
        fail("{}: holds no model files", weights.string());
    return largest;
}

// Box-filter downscale of a square RGB image by an integer factor.
std::vector<std::uint8_t> shrink(std::span<const std::uint8_t> rgb, int size, int target) {
    const int factor = std::max(1, size / target);
    const int out = size / factor;
    std::vector<std::uint8_t> small(static_cast<std::size_t>(out) * out * 3);
    for (int y = 0; y < out; ++y)
        for (int x = 0; x < out; ++x)
            for (int c = 0; c < 3; ++c) {
                int sum = 0;
                for (int dy = 0; dy < factor; ++dy)
                    for (int dx = 0; dx < factor; ++dx)
                        sum += rgb[((static_cast<std::size_t>(y) * factor + dy) * size +
                                    static_cast<std::size_t>(x) * factor + dx) *
                                       3 +
                                   c];
                small[(static_cast<std::size_t>(y) * out + x) * 3 + c] =
                    static_cast<std::uint8_t>(sum / (factor * factor));
            }
    return small;
}
}  // namespace

Thumbnails::Thumbnails(std::function<fs::path()> weights, int threads)
    : weights_(std::move(weights)), threads_(threads) {}

Thumbnails::~Thumbnails() {
    stop();
}

void Thumbnails::start() {
    worker_ = std::thread([this] {
        try {
            make_all();
        } catch (const std::exception& error) {
            const std::lock_guard lock(mutex_);
            state_ = "failed";
            error_ = describe(error);
            log::warn("studio: class thumbnails: {}", error_);
        }
    });
}

void Thumbnails::stop() {
    stopping_ = true;
    if (worker_.joinable())
        worker_.join();
}

nlohmann::json Thumbnails::progress() const {
    const std::lock_guard lock(mutex_);
    return {{"done", done_}, {"total", kClasses}, {"state", state_}, {"error", error_}};
}

std::optional<fs::path> Thumbnails::find(int class_id) const {
    const std::lock_guard lock(mutex_);
    if (folder_.empty())
        return std::nullopt;
    fs::path file = folder_ / fmt::format("{}.png", class_id);
    if (!fs::is_regular_file(file))
        return std::nullopt;
    return file;
}

void Thumbnails::prioritise(const std::vector<int>& class_ids) {
    const std::lock_guard lock(mutex_);
    for (auto id = class_ids.rbegin(); id != class_ids.rend(); ++id) {
        const auto at = std::find(pending_.begin(), pending_.end(), *id);
        if (at != pending_.end()) {
            pending_.erase(at);
            pending_.push_front(*id);
        }
    }
}

void Thumbnails::make_all() {
    const fs::path weights = weights_();
    const fs::path folder = store::cache_file_for(identifying_file(weights), "thumbnails", "");
    fs::create_directories(folder);
    {
        const std::lock_guard lock(mutex_);
        for (int id = 0; id < kClasses; ++id) {
            if (!fs::is_regular_file(folder / fmt::format("{}.png", id)))
                pending_.push_back(id);
        }
        folder_ = folder;
        done_ = kClasses - static_cast<int>(pending_.size());
        state_ = pending_.empty() ? "ready" : "making";
        if (pending_.empty())
            return;
    }
    auto generator = render::load_biggan_frames(weights, kTruncation, threads_);
    const int size = generator->width();  // square: the 4×4 grid
    const int side = size / std::max(1, size / kThumbnailSize);
    const std::size_t frame_bytes = static_cast<std::size_t>(size) * size * 3;
    // One noise vector for every class, so that the grid compares classes, not noise.
    std::mt19937 random(kNoiseSeed);
    std::normal_distribution<float> normal;
    std::vector<float> noise(choreo::kNoiseSize);
    for (auto& value : noise) {
        do
            value = normal(random);
        while (std::abs(value) > 2.0f);
        value *= static_cast<float>(kTruncation);
    }
    while (!stopping_) {
        std::vector<int> batch;
        {
            const std::lock_guard lock(mutex_);
            while (!pending_.empty() && batch.size() < kBatch) {
                batch.push_back(pending_.front());
                pending_.pop_front();
            }
        }
        if (batch.empty())
            break;
        const int count = static_cast<int>(batch.size());
        std::vector<float> z, y(static_cast<std::size_t>(count) * kClasses, 0.0f);
        for (int i = 0; i < count; ++i) {
            z.insert(z.end(), noise.begin(), noise.end());
            y[static_cast<std::size_t>(i) * kClasses + batch[i]] = 1.0f;
        }
        std::vector<std::uint8_t> rgb(count * frame_bytes);
        generator->generate(z, y, count, rgb);
        for (int i = 0; i < count; ++i) {
            const auto image =
                shrink(std::span(rgb).subspan(i * frame_bytes, frame_bytes), size, kThumbnailSize);
            write_file_atomic(folder / fmt::format("{}.png", batch[i]),
                              bgv::image::encode_png_rgb(image, side, side));
        }
        const std::lock_guard lock(mutex_);
        done_ += count;
    }
    const std::lock_guard lock(mutex_);
    if (done_ == kClasses)
        state_ = "ready";
}

}  // namespace bgv::studio
