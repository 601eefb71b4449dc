// render/biggan_frames: a requested batch runs as sub-batches that fit the memory budget, and
// the frames are those of the same generator calls made one sub-batch at a time.
#include <gtest/gtest.h>

#include <random>

#include "model/biggan/generator.h"
#include "render/biggan_frames.h"
#include "render_test_support.h"

using namespace bgv;
namespace fs = std::filesystem;

namespace {

const fs::path kModel = fs::path(BGV_TEST_DATA) / "model/biggan/data/tiny128";

std::vector<float> random_values(std::size_t count, unsigned seed, bool one_hot_rows) {
    std::mt19937 rng(seed);
    std::vector<float> v(count);
    if (one_hot_rows) {
        for (std::size_t row = 0; row < count / 1000; ++row)
            v[row * 1000 + rng() % 1000] = 1.0f;
    } else {
        std::normal_distribution<float> normal(0.0f, 0.5f);
        for (auto& x : v)
            x = normal(rng);
    }
    return v;
}

}  // namespace

// The published 512 px model costs ~73 MB per batched sample (its largest batched block, at
// 64×64 → 128×128 with 512 → 256 channels): sub-batches of 4 fit the 1 GiB default, fewer fit
// less, and never fewer than one.
TEST(BigganFrames, SubBatchFitsTheBudget) {
    const auto config = biggan::Config::from_json(fs::path(BGV_TEST_DATA) /
                                                  "model/biggan/data/fullsize/512/config.json");
    const std::int64_t per_sample = render::batch_bytes_per_sample(config);
    EXPECT_GT(per_sample, 60 << 20);
    EXPECT_LT(per_sample, 90 << 20);
    EXPECT_EQ(render::sub_batch_for(config), render::kMaxUsefulBatch);
    EXPECT_EQ(render::sub_batch_for(config, 3 * per_sample), 3);
    EXPECT_EQ(render::sub_batch_for(config, 2 * per_sample - 1), 1);
    EXPECT_EQ(render::sub_batch_for(config, 0), 1);
    // A 16:9 frame (4×7 cells) is 1.75 times the square's area, and so are its buffers (its
    // largest batched block, 64×112 → 128×224, is still below the one-sample threshold).
    const double wide = static_cast<double>(render::batch_bytes_per_sample(config, {4, 7}));
    EXPECT_NEAR(wide / static_cast<double>(per_sample), 1.75, 0.01);
    EXPECT_EQ(render::sub_batch_for(config, 3 * per_sample, {4, 7}), 1);
}

// A batch of 11 (sub-batches 4, 4, 3) makes byte for byte the frames of the generator run on
// those sub-batches: what a render with -bs 4 would ask for; for the square and a widened grid.
TEST(BigganFrames, ABatchIsTheFramesOfItsSubBatches) {
    for (const biggan::Grid grid : {biggan::Grid{}, biggan::Grid{4, 7, biggan::Widen::noise}}) {
        SCOPED_TRACE(grid.cols);
        constexpr int kBatch = 11;
        const auto z = random_values(kBatch * 128, 1, false);
        const auto y = random_values(kBatch * 1000, 2, true);
        auto frames = render::load_biggan_frames(kModel, 0.6, 1);
        frames->set_grid(grid);
        const int width = frames->width(), height = frames->height();
        EXPECT_EQ(width, grid.cols * 32);
        EXPECT_EQ(height, 128);
        const std::size_t image = static_cast<std::size_t>(3) * width * height;
        std::vector<std::uint8_t> whole(kBatch * image);
        frames->generate(z, y, kBatch, whole);

        auto generator = biggan::Generator::load(kModel, 0.6, 1);
        generator.set_grid(grid);
        std::vector<std::uint8_t> expected(kBatch * image);
        for (int first = 0; first < kBatch; first += render::kMaxUsefulBatch) {
            const int count = std::min(render::kMaxUsefulBatch, kBatch - first);
            const auto offset = static_cast<std::size_t>(first),
                       n = static_cast<std::size_t>(count);
            std::vector<float> out(n * image);
            generator.generate(std::span(z).subspan(offset * 128, n * 128),
                               std::span(y).subspan(offset * 1000, n * 1000), count, out);
            for (std::size_t b = 0; b < n; ++b)
                biggan::to_rgb8(std::span<const float>(out).subspan(b * image, image), width,
                                height, std::span(expected).subspan((offset + b) * image, image));
        }
        EXPECT_EQ(whole, expected);
    }
}
