#include "render/biggan_frames.h"

#include <vector>

#include "core/error.h"
#include "model/biggan/generator.h"

namespace bgv::render {

namespace {
class BigganFrames : public FrameGenerator {
  public:
    explicit BigganFrames(biggan::Generator generator) : generator_(std::move(generator)) {}

    int resolution() const override { return generator_.resolution(); }

    void generate(std::span<const float> z, std::span<const float> y, int batch,
                  std::span<std::uint8_t> rgb) override {
        const auto r = static_cast<std::size_t>(generator_.resolution());
        const std::size_t image = 3 * r * r;
        output_.resize(image * static_cast<std::size_t>(batch));
        generator_.generate(z, y, batch, output_);
        for (int b = 0; b < batch; ++b) {
            biggan::to_rgb8(std::span<const float>(output_).subspan(b * image, image),
                            static_cast<int>(r), rgb.subspan(b * image, image));
        }
    }

  private:
    biggan::Generator generator_;
    std::vector<float> output_;
};
}  // namespace

std::unique_ptr<FrameGenerator> load_biggan_frames(const std::filesystem::path& weights,
                                                   double truncation, int threads) {
    auto generator = with_context(
        weights.string(), [&] { return biggan::Generator::load(weights, truncation, threads); });
    const auto& config = generator.config();
    if (config.z_dim != 128 || config.num_classes != 1000)
        fail("{}: a generator for z of {} and {} classes; the choreography needs 128 and 1000",
             weights.string(), config.z_dim, config.num_classes);
    return std::make_unique<BigganFrames>(std::move(generator));
}

}  // namespace bgv::render
