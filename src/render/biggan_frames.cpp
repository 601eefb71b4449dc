#include "render/biggan_frames.h"

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "model/biggan/generator.h"

namespace bgv::render {

namespace {
class BigganFrames : public FrameGenerator {
  public:
    explicit BigganFrames(biggan::Generator generator)
        : generator_(std::move(generator)), sub_batch_(sub_batch_for(generator_.config())) {}

    int width() const override { return generator_.width(); }
    int height() const override { return generator_.height(); }
    void set_grid(const biggan::Grid& grid) override {
        generator_.set_grid(grid);
        sub_batch_ = sub_batch_for(generator_.config(), kBatchMemoryBudget, grid);
    }
    void set_truncation(double truncation) override { generator_.set_truncation(truncation); }

    // Sub-batches of the same size whatever the requested batch, so that a render with -bs 20
    // runs exactly the generator calls of one with -bs 4 (and makes the same frames).
    void generate(std::span<const float> z, std::span<const float> y, int batch,
                  std::span<std::uint8_t> rgb) override {
        const std::size_t image = static_cast<std::size_t>(3) * width() * height();
        const std::size_t z_size = z.size() / static_cast<std::size_t>(batch);
        const std::size_t y_size = y.size() / static_cast<std::size_t>(batch);
        for (int first = 0; first < batch; first += sub_batch_) {
            const int count = std::min(sub_batch_, batch - first);
            const auto offset = static_cast<std::size_t>(first),
                       n = static_cast<std::size_t>(count);
            output_.resize(image * n);
            generator_.generate(z.subspan(offset * z_size, n * z_size),
                                y.subspan(offset * y_size, n * y_size), count, output_);
            for (std::size_t b = 0; b < n; ++b)
                biggan::to_rgb8(std::span<const float>(output_).subspan(b * image, image), width(),
                                height(), rgb.subspan((offset + b) * image, image));
        }
    }

    bool generate_unless(std::span<const float> z, std::span<const float> y,
                         std::span<std::uint8_t> rgb, const std::atomic<bool>& abandon) override {
        const std::size_t image = static_cast<std::size_t>(3) * width() * height();
        output_.resize(image);
        if (!generator_.generate_unless(z, y, 1, output_, abandon))
            return false;
        biggan::to_rgb8(output_, width(), height(), rgb);
        return true;
    }

  private:
    biggan::Generator generator_;
    int sub_batch_;
    std::vector<float> output_;
};
}  // namespace

std::int64_t batch_bytes_per_sample(const biggan::Config& c, const biggan::Grid& grid) {
    constexpr std::int64_t kOneSampleAtATime = 128 * 128;         // Generator's default
    std::int64_t rows = grid.rows, cols = grid.cols, floats = 0;  // the grid of cells at first
    for (const auto& layer : c.layers) {
        const std::int64_t in = layer.in_multiplier * c.channel_width;
        const std::int64_t out = layer.out_multiplier * c.channel_width, mid = in / 4;
        const std::int64_t up = layer.up ? 4 : 1;  // pixels of the output per pixel of the input
        if (rows * cols >= kOneSampleAtATime)
            break;
        // Input, its normalised copy, the three inner activations, the skip and the output.
        floats = std::max(floats, rows * cols * ((2 * in + mid) + up * (2 * mid + 2 * out)));
        if (layer.up) {
            rows *= 2;
            cols *= 2;
        }
    }
    const std::int64_t image =
        3 * static_cast<std::int64_t>(grid.width(c.resolution())) * grid.height(c.resolution());
    return 4 * floats + 4 * image + image;
}

int sub_batch_for(const biggan::Config& config, std::int64_t budget, const biggan::Grid& grid) {
    const std::int64_t fits = budget / batch_bytes_per_sample(config, grid);
    return static_cast<int>(std::clamp<std::int64_t>(fits, 1, kMaxUsefulBatch));
}

std::unique_ptr<FrameGenerator> load_biggan_frames(const std::filesystem::path& weights,
                                                   double truncation, int threads) {
    return load_biggan_frames_with_precision(weights, truncation, threads, biggan::Precision::fp32);
}

std::unique_ptr<FrameGenerator> load_biggan_frames_with_precision(
    const std::filesystem::path& weights, double truncation, int threads,
    biggan::Precision precision) {
    auto generator = with_context(weights.string(), [&] {
        return biggan::Generator::load(weights, truncation, threads, precision);
    });
    const auto& config = generator.config();
    if (config.z_dim != 128 || config.num_classes != 1000)
        fail("{}: a generator for z of {} and {} classes; the choreography needs 128 and 1000",
             weights.string(), config.z_dim, config.num_classes);
    log::debug("generator: batches run as sub-batches of at most {} ({} MB per sample)",
               sub_batch_for(config), batch_bytes_per_sample(config) >> 20);
    return std::make_unique<BigganFrames>(std::move(generator));
}

GeneratorFactory biggan_frames_factory(biggan::Precision precision) {
    return [precision](const std::filesystem::path& weights, double truncation, int threads) {
        return load_biggan_frames_with_precision(weights, truncation, threads, precision);
    };
}

}  // namespace bgv::render
