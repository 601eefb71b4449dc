#include <gtest/gtest.h>

#include <atomic>
#include <cmath>

#include "core/error.h"
#include "model/biggan/generator.h"
#include "model/biggan/image_difference.h"
#include "model/biggan/weights.h"
#include "random_model.h"
#include "support/errors.h"
#include "support/numeric.h"
#include "unfolded_reference.h"

using namespace bgv;
using biggan::Config;
using biggan::Generator;

namespace {

// One thread: ctest runs tests in parallel on two cores, and oversubscribed OpenMP threads
// spin-wait for each other; the models here are too small to gain from two.
constexpr int kThreads = 1;

std::vector<float> random_vector(std::size_t n, unsigned seed, bool one_hot_rows = false,
                                 int row = 0) {
    std::mt19937 rng(seed);
    std::vector<float> v(n);
    if (one_hot_rows) {
        for (std::size_t i = 0; i < n / row; ++i)
            v[i * row + rng() % row] = 1.0f;
        return v;
    }
    std::normal_distribution<float> d(0.0f, 1.0f);
    for (auto& x : v)
        x = std::clamp(d(rng), -2.0f, 2.0f);
    return v;
}

using bgv::test::error_of;
using bgv::test::relative_error;

}  // namespace

// The folded path (spectral norm and batch-norm statistics folded at load, conditional affines
// stacked into one GEMM, fused oneDNN epilogues, float32) against the plain double-precision
// path. Float32 through ~25 layers of random (unit-variance, so poorly conditioned) weights gives
// relative L2 errors of 0.5-2.5e-5; 1e-4 leaves room for oneDNN's accumulation order while a
// wrong index, statistic row or blend weight shows up as 1e-2 or more.
TEST(BigganGenerator, FoldedAndUnfoldedPathsAgree) {
    const Config config = test::small_config();
    const auto weights = test::RandomModel(7).make(config);
    for (double truncation : {1.0, 0.4, 0.37}) {
        Generator generator = Generator::from_state_dict(weights, config, truncation, kThreads);
        for (int batch : {1, 3}) {
            const auto z = random_vector(static_cast<std::size_t>(batch) * config.z_dim, 1);
            const auto y = random_vector(static_cast<std::size_t>(batch) * config.num_classes, 2,
                                         true, config.num_classes);
            const std::size_t n = static_cast<std::size_t>(batch) * 3 * 32 * 32;
            std::vector<float> fast(n), plain(n);
            generator.generate(z, y, batch, fast);
            test::generate_unfolded(weights, config, truncation, z, y, batch, plain);
            const double error = relative_error(fast, plain);
            EXPECT_LT(error, 1e-4) << "truncation " << truncation << " batch " << batch;
            double spread = 0.0;
            for (float v : plain)
                spread += std::abs(v);
            EXPECT_GT(spread / n, 0.05) << "the test model's output is degenerate";
        }
    }
}

// Whole-batch, sample-by-sample tail (blocks after attention from 16×16 on) and single samples.
TEST(BigganGenerator, BatchedSamplesEqualSingleSamples) {
    const Config config = test::small_config();
    const auto weights = test::RandomModel(8).make(config);
    Generator generator = Generator::from_state_dict(weights, config, 0.5, kThreads);
    const int batch = 3;
    const auto z = random_vector(batch * config.z_dim, 3);
    const auto y = random_vector(batch * config.num_classes, 4);
    std::vector<float> all(batch * 3 * 32 * 32), tail(all.size()), one(3 * 32 * 32);
    generator.generate(z, y, batch, all);
    Generator::set_sample_by_sample_min_pixels(16 * 16);
    generator.generate(z, y, batch, tail);
    Generator::set_sample_by_sample_min_pixels(128 * 128);
    EXPECT_LT(relative_error(tail, all), 1e-5);
    for (int i = 0; i < batch; ++i) {
        generator.generate(std::span(z).subspan(i * config.z_dim, config.z_dim),
                           std::span(y).subspan(i * config.num_classes, config.num_classes), 1,
                           one);
        // Same arithmetic up to kernel blocking: float32 rounding only.
        EXPECT_LT(relative_error(one, std::span(all).subspan(i * one.size(), one.size())), 1e-5);
    }
}

TEST(BigganGenerator, SetTruncationEqualsFreshLoad) {
    const Config config = test::small_config();
    const auto weights = test::RandomModel(9).make(config);
    Generator a = Generator::from_state_dict(weights, config, 1.0, kThreads);
    a.set_truncation(0.37);
    Generator b = Generator::from_state_dict(weights, config, 0.37, kThreads);
    const auto z = random_vector(config.z_dim, 5);
    const auto y = random_vector(config.num_classes, 6, true, config.num_classes);
    std::vector<float> oa(3 * 32 * 32), ob(oa.size());
    a.generate(z, y, 1, oa);
    b.generate(z, y, 1, ob);
    EXPECT_EQ(oa, ob);  // identical folding, identical kernels: bit-equal
    EXPECT_DOUBLE_EQ(a.truncation(), 0.37);
}

// Live mode gives up a frame between two blocks when an attack needs the generator: a frame not
// given up is the same frame, bit for bit; one given up says so and leaves the output alone.
TEST(BigganGenerator, AFrameGivenUpSaysSoAndOneNotGivenUpIsTheSame) {
    const Config config = test::small_config();
    const auto weights = test::RandomModel(10).make(config);
    Generator generator = Generator::from_state_dict(weights, config, 0.5, kThreads);
    for (int batch : {1, 3}) {
        const auto z = random_vector(static_cast<std::size_t>(batch) * config.z_dim, 7);
        const auto y = random_vector(static_cast<std::size_t>(batch) * config.num_classes, 8);
        std::vector<float> whole(static_cast<std::size_t>(batch) * 3 * 32 * 32);
        std::vector<float> kept(whole.size()), given_up(whole.size(), 7.0f);
        generator.generate(z, y, batch, whole);
        const std::atomic<bool> no{false}, yes{true};
        EXPECT_TRUE(generator.generate_unless(z, y, batch, kept, no));
        EXPECT_EQ(kept, whole) << "batch " << batch;
        EXPECT_FALSE(generator.generate_unless(z, y, batch, given_up, yes));
        EXPECT_EQ(given_up, std::vector<float>(whole.size(), 7.0f)) << "batch " << batch;
    }
}

TEST(BigganGenerator, StrictLoadingNamesTheProblem) {
    const Config config = test::small_config();
    const auto good = test::RandomModel(10).make(config);
    auto load = [&](const checkpoint::StateDict& w) {
        return error_of([&] { Generator::from_state_dict(w, config, 1.0, 1); });
    };
    auto missing = good;
    missing.erase("generator.layers.4.conv_1.weight_u");
    EXPECT_EQ(load(missing), "missing key generator.layers.4.conv_1.weight_u");

    auto wrong = good;
    wrong["generator.layers.1.conv_1.weight_orig"].shape = {16, 64, 1, 1};
    wrong["generator.layers.1.conv_1.weight_orig"].data.resize(16 * 64);
    EXPECT_EQ(load(wrong),
              "generator.layers.1.conv_1.weight_orig: expected (16, 16, 3, 3), got (16, 64, 1, 1)");

    auto nan = good;
    nan["generator.layers.3.snconv1x1_g.weight_orig"].data[17] = std::nanf("");
    EXPECT_EQ(load(nan), "generator.layers.3.snconv1x1_g.weight_orig: value 17 is NaN");

    auto extra = good;
    extra["generator.unused"] = {{1}, {1.0f}};
    EXPECT_EQ(load(extra), "(no error)");

    EXPECT_EQ(error_of([&] { Generator::from_state_dict(good, config, 0.0, 1); }),
              "truncation must be in (0, 1], got 0");
    EXPECT_EQ(error_of([&] { Generator::from_state_dict(good, config, 1.5, 1); }),
              "truncation must be in (0, 1], got 1.5");
}

TEST(BigganGenerator, InfersConfigurationFromShapes) {
    Config config = test::small_config();
    config.layers = {{false, 16, 16}, {true, 16, 8}, {false, 8, 4}, {true, 4, 2}, {false, 2, 1}};
    config.output_dim = 16;
    const auto weights = test::RandomModel(11).make(config);
    const Config inferred = Config::infer(weights);
    EXPECT_EQ(inferred.channel_width, 4);
    EXPECT_EQ(inferred.z_dim, 8);
    EXPECT_EQ(inferred.class_embed_dim, 8);
    EXPECT_EQ(inferred.num_classes, 10);
    EXPECT_EQ(inferred.n_stats, 51);
    EXPECT_EQ(inferred.attention_layer_position, 3);
    ASSERT_EQ(inferred.layers.size(), config.layers.size());
    for (std::size_t k = 0; k < config.layers.size(); ++k) {
        EXPECT_EQ(inferred.layers[k].up, config.layers[k].up);
        EXPECT_EQ(inferred.layers[k].in_multiplier, config.layers[k].in_multiplier);
        EXPECT_EQ(inferred.layers[k].out_multiplier, config.layers[k].out_multiplier);
    }
    EXPECT_EQ(inferred.resolution(), 16);
}

TEST(BigganGenerator, ConfigFromJson) {
    const Config c = Config::from_json_text(R"({"output_dim": 32, "z_dim": 8, "class_embed_dim": 8,
        "channel_width": 4, "num_classes": 10, "eps": 0.0001, "n_stats": 51,
        "attention_layer_position": 3, "layers": [[false, 16, 16], [true, 16, 8], [true, 8, 4],
        [false, 4, 2], [true, 2, 1]]})");
    EXPECT_EQ(c.resolution(), 32);
    EXPECT_EQ(c.block_layer_index(2), 2);
    EXPECT_EQ(c.block_layer_index(3), 4);
    EXPECT_EQ(
        error_of(
            [] { Config::from_json_text(R"({"output_dim": 64, "layers": [[false, 16, 1]]})"); }),
        "BigGAN config: layer 0 maps 2048 to 128 channels (output must equal the input or its "
        "half, input divisible by 4)");
}

// Issue 11, item 10: channel_width 1e9 overflowed int (16 × channel_width) and the message
// showed a negative shape. Every value is read against its bounds, in one line.
TEST(BigganGenerator, ConfigValuesOutsideTheirBoundsGetOneLine) {
    const std::string layers = R"("layers": [[false, 16, 16], [true, 16, 1]])";
    EXPECT_EQ(
        error_of([&] { Config::from_json_text(R"({"channel_width": 1e9, )" + layers + "}"); }),
        "channel_width: expected an integer 1–4096, got 1000000000.0");
    EXPECT_EQ(error_of([&] { Config::from_json_text(R"({"z_dim": -3, )" + layers + "}"); }),
              "z_dim: expected an integer 1–4096, got -3");
    EXPECT_EQ(error_of([&] { Config::from_json_text(R"({"eps": "small", )" + layers + "}"); }),
              "eps: expected a number 1e-12–1, got \"small\"");
    EXPECT_EQ(error_of([] {
                  Config::from_json_text(R"({"layers": [[false, 16, 16], [true, 16, 2.5]]})");
              }),
              "layers[1]: out: expected an integer 1–64, got 2.5");
    EXPECT_EQ(
        error_of([] { Config::from_json_text(R"({"layers": [[0, 16, 16]]})"); }),
        "layers[0]: expected [upsample, in, out] (a boolean and two integers), got [0,16,16]");
    // Raw "[json.exception.parse_error.101]" text no longer reaches the user.
    EXPECT_EQ(error_of([] { Config::from_json_text(R"({"z_dim": 12,)"); }),
              "invalid JSON at line 1, column 14: syntax error while parsing object key - "
              "unexpected end of input; expected string literal");
}

// The published rule: k, c = modf(t / 0.02); c == 0 → row k, else row k·c + row k+1·(1 - c).
TEST(BigganGenerator, StatisticsForTruncation) {
    checkpoint::Tensor means{{51, 1}, {}}, vars{{51, 1}, {}};
    for (int i = 0; i < 51; ++i) {
        means.data.push_back(static_cast<float>(i));
        vars.data.push_back(static_cast<float>(100 + 2 * i));
    }
    auto at = [&](double t) { return biggan::statistics_for_truncation(means, vars, t); };
    EXPECT_DOUBLE_EQ(at(1.0).mean[0], 50.0);
    EXPECT_DOUBLE_EQ(at(0.4).mean[0], 20.0);  // 0.4 / 0.02 == 20 exactly in double
    // 0.37 / 0.02 = 18.5: weights 0.5 and 0.5 (up to the rounding of 0.37 / 0.02).
    EXPECT_NEAR(at(0.37).mean[0], 18.5, 1e-9);
    // 0.41 / 0.02 = 20.5 - ε: c ≈ 0.5 on row 20, 1 - c on row 21.
    double whole = 0.0;
    const double c = std::modf(0.41 / 0.02, &whole);
    EXPECT_NEAR(at(0.41).mean[0], 20.0 * c + 21.0 * (1.0 - c), 1e-12);
    EXPECT_NEAR(at(0.41).var[0], 140.0 * c + 142.0 * (1.0 - c), 1e-12);
    // 0.14 / 0.02 = 7.000000000000001 in double: c is tiny, so row 8 takes nearly all the
    // weight, as the published code does.
    EXPECT_NEAR(at(0.14).mean[0], 8.0, 1e-12);
    // 0.58 / 0.02 = 28.999999999999996: row 28 takes nearly all the weight.
    EXPECT_NEAR(at(0.58).mean[0], 28.0, 1e-12);
}

TEST(BigganGenerator, PixelsAsPublished) {
    std::vector<float> image = {-1.0f, 0.0f, 0.999f};  // one pixel, channels R, G, B
    std::vector<std::uint8_t> rgb(3);
    biggan::to_rgb8(image, 1, rgb);
    EXPECT_EQ(rgb, (std::vector<std::uint8_t>{0, 128, 255}));
    image = {-1.5f, 0.99f, -0.004f};
    biggan::to_rgb8(image, 1, rgb);
    EXPECT_EQ(rgb, (std::vector<std::uint8_t>{0, 254, 127}));
}

// PSNR of the 8-bit pixels and rel. L2 of the values, worked by hand on a 1 × 2 image: pixels
// (R, G, B) = floor((x + 1) / 2 · 256), clipped.
TEST(BigganGenerator, ImageDifference) {
    const std::vector<float> want = {0.0f, 0.5f, -0.5f, 0.25f, 1.0f, -1.0f};  // CHW, 2 pixels
    EXPECT_EQ(biggan::image_difference(want, want, 1, 2).psnr_db, 99.0);
    EXPECT_EQ(biggan::image_difference(want, want, 1, 2).relative_l2, 0.0);
    // 0.5 → 0.51: pixel 192 → 193 (one level on one of 6 values); the rest unchanged.
    std::vector<float> got = want;
    got[1] = 0.51f;
    const auto d = biggan::image_difference(got, want, 1, 2);
    EXPECT_NEAR(d.psnr_db, 10.0 * std::log10(255.0 * 255.0 * 6.0), 1e-9);
    double norm = 0.0;
    for (float v : want)
        norm += static_cast<double>(v) * v;
    EXPECT_NEAR(d.relative_l2, (0.51 - 0.5) / std::sqrt(norm), 1e-7);
}
