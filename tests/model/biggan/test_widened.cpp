// The generator on first grids other than 4x4 (docs/shapes.md) against the float64 goldens of
// tools/biggan_reference.py's same widening (data/widened, tools/make_widened_goldens.py): the
// micro model in wide, tall and 4:1 grids with both fills (and a 9x4 grid, whose 576-query
// attention layer runs as a full and a partial block of queries), and the seeded full-size 128 and
// 512 px models at 4x7 (16:9) and 7x4 (9:16). Also the cell layout itself, the aspect's grid, and
// 1:1 left exactly as it was.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/npy.h"
#include "model/biggan/first_grid.h"
#include "model/biggan/generator.h"
#include "seeded_model.h"
#include "support/errors.h"
#include "support/numeric.h"

namespace fs = std::filesystem;
using namespace bgv;
using bgv::test::relative_error;
using biggan::Grid;
using biggan::Widen;

namespace {

constexpr int kThreads = 1;  // ctest runs two tests at once on two cores
const fs::path kData = fs::path(BGV_TEST_DATA) / "model/biggan/data";

nlohmann::json widened_cases() {
    std::ifstream in(kData / "widened/goldens.json");
    return nlohmann::json::parse(in)["cases"];
}

Grid grid_of(const nlohmann::json& c) {
    return {c["rows"].get<int>(), c["cols"].get<int>(),
            c["fill"] == "noise" ? Widen::noise : Widen::mirror};
}

std::vector<float> run(biggan::Generator& g, const nlohmann::json& c) {
    const auto z = read_npy_f32(kData / c["z"].get<std::string>());
    const auto y = read_npy_f32(kData / c["y"].get<std::string>());
    const int batch = c["batch"].get<int>();
    g.set_truncation(c["truncation"].get<double>());
    g.set_grid(grid_of(c));
    std::vector<float> out(static_cast<std::size_t>(batch) * 3 * g.height() * g.width());
    g.generate(z.data, y.data, batch, out);
    return out;
}

// Rows 0, step, 2·step, ... of (B, 3, H, W) images: what a golden stored with a row step holds.
std::vector<float> every_row(const std::vector<float>& images, int height, int width, int step) {
    std::vector<float> kept;
    const std::size_t planes = images.size() / (static_cast<std::size_t>(height) * width);
    for (std::size_t p = 0; p < planes; ++p)
        for (int y = 0; y < height; y += step)
            kept.insert(kept.end(), images.begin() + (p * height + y) * width,
                        images.begin() + (p * height + y + 1) * width);
    return kept;
}

// Relative L2 against the golden, printed with PyTorch float32's own error and how far the other
// fill and the 1:1 frame land (goldens.json).
double compare(const std::vector<float>& out, const nlohmann::json& c, int height, int width) {
    const auto golden = read_npy_f32(kData / c["golden"].get<std::string>());
    const auto kept = every_row(out, height, width, c["golden_row_step"].get<int>());
    EXPECT_EQ(kept.size(), golden.data.size()) << c["name"];
    if (kept.size() != golden.data.size())
        return 1.0;
    const double error = relative_error(kept, golden.data);
    std::printf("%s: rel L2 %.3g (torch float32 %.3g; the other fill lands %.2f away)\n",
                c["name"].get<std::string>().c_str(), error,
                c["rel_l2_torch_float32"].get<double>(), c["rel_l2_other_fill"].get<double>());
    return error;
}

}  // namespace

// Micro cases: relative L2 error at most twice PyTorch float32's own and never above 1e-3, the
// bound the square goldens use (test_goldens.cpp): only summation order and folding differ.
TEST(BigganWidened, MicroGridsMatchFloat64Reference) {
    auto generator = biggan::Generator::load(kData / "micro", 1.0, kThreads);
    int checked = 0;
    for (const auto& c : widened_cases()) {
        if (c["model"] != "micro")
            continue;
        const auto out = run(generator, c);
        const double torch = c["rel_l2_torch_float32"];
        EXPECT_LE(compare(out, c, generator.height(), generator.width()),
                  std::min(2.0 * torch, 1e-3))
            << c["name"];
        ++checked;
    }
    EXPECT_GE(checked, 6);
}

// The same with the blocks after attention run one sample at a time (as 256 and 512 px models do
// for batches > 1): the batch-3 cases.
TEST(BigganWidened, SampleBySampleTailMatches) {
    biggan::Generator::set_sample_by_sample_min_pixels(16 * 16);
    auto generator = biggan::Generator::load(kData / "micro", 1.0, kThreads);
    int checked = 0;
    for (const auto& c : widened_cases()) {
        if (c["model"] != "micro" || c["batch"] != 3)
            continue;
        const auto out = run(generator, c);
        EXPECT_LE(compare(out, c, generator.height(), generator.width()),
                  std::min(2.0 * c["rel_l2_torch_float32"].get<double>(), 1e-3))
            << c["name"];
        ++checked;
    }
    biggan::Generator::set_sample_by_sample_min_pixels(128 * 128);
    EXPECT_GE(checked, 2);
}

// The published 128 and 512 px architectures with the real channel counts: relative L2 at most
// 1e-3 (float32 through the whole network, as test_fullsize.cpp).
void check_fullsize(int resolution) {
    auto model = test::fullsize_model(resolution);
    auto generator = biggan::Generator::from_state_dict(model.weights, model.config, 1.0, kThreads);
    model.weights.clear();
    int checked = 0;
    for (const auto& c : widened_cases()) {
        if (c["model"] != "fullsize" + std::to_string(resolution))
            continue;
        const auto out = run(generator, c);
        EXPECT_EQ(generator.width(), c["cols"].get<int>() * resolution / 4);
        EXPECT_LE(compare(out, c, generator.height(), generator.width()), 1e-3) << c["name"];
        ++checked;
    }
    EXPECT_GE(checked, 1);
}

TEST(BigganWidened, Fullsize128WideAndTall) {
    check_fullsize(128);
}
TEST(BigganWidened, Fullsize512Wide) {
    check_fullsize(512);
}

// 1:1 is the published network bit for bit: a generator that made wide frames and is set back to
// 4x4 gives exactly the floats of one never widened (the square path runs no widening code).
TEST(BigganWidened, SquareGridIsUntouched) {
    const auto c = widened_cases()[1];  // micro, batch 3
    const auto z = read_npy_f32(kData / c["z"].get<std::string>());
    const auto y = read_npy_f32(kData / c["y"].get<std::string>());
    auto fresh = biggan::Generator::load(kData / "micro", 0.555, kThreads);
    std::vector<float> before(3 * 3 * 32 * 32), after(before.size());
    fresh.generate(z.data, y.data, 3, before);
    auto used = biggan::Generator::load(kData / "micro", 0.555, kThreads);
    run(used, c);
    used.set_grid(biggan::grid_for_aspect({1, 1}, Widen::noise));
    EXPECT_TRUE(used.grid().square());
    EXPECT_EQ(used.width(), 32);
    used.generate(z.data, y.data, 3, after);
    EXPECT_EQ(before, after);
}

// The cells of a 4x7 (offset 1) and a 4x16 (offset 6) grid, each cell holding its source's id.
TEST(BigganWidened, CellsComeFromMirrorImagesOrNeighbouringWindows) {
    const int channels = 1;
    std::vector<float> own(16);
    for (int k = 0; k < 16; ++k)
        own[k] = static_cast<float>(k);  // row-major cell index of the 4x4 window
    std::vector<float> out(4 * 7);
    biggan::place_cells({4, 7, Widen::mirror}, own.data(), {}, 1, channels, out.data());
    // Columns -1..5 of the window, reflected: 0 | 0 1 2 3 | 3 2.
    const int mirrored[7] = {0, 0, 1, 2, 3, 3, 2};
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 7; ++j)
            EXPECT_EQ(out[i * 7 + j], 4 * i + mirrored[j]) << i << "," << j;

    const Grid wide{4, 16, Widen::noise};
    const auto ids = biggan::noise_windows(wide);
    ASSERT_EQ(ids, (std::vector<std::pair<int, int>>{{0, -2}, {0, -1}, {0, 1}, {0, 2}}));
    std::vector<std::vector<float>> windows(ids.size(), std::vector<float>(16));
    std::vector<const float*> pointers;
    for (std::size_t k = 0; k < ids.size(); ++k) {
        for (int cell = 0; cell < 16; ++cell)
            windows[k][cell] = static_cast<float>(100 * (ids[k].second + 3) + cell);
        pointers.push_back(windows[k].data());
    }
    std::vector<float> tiled(4 * 16);
    biggan::place_cells(wide, own.data(), pointers, 1, channels, tiled.data());
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 16; ++j) {
            const int a = j - 6;  // column counted from the frame's own window
            const int window = a >= 0 ? a / 4 : -((-a + 3) / 4);
            const int cell = 4 * i + (a - 4 * window);
            const float expected = window == 0 ? static_cast<float>(cell)
                                               : static_cast<float>(100 * (window + 3) + cell);
            EXPECT_EQ(tiled[i * 16 + j], expected) << i << "," << j;
        }
}

// torch.roll's direction: out[i] = z[(i - shift) mod n], shift = 41·wy + 17·wx.
TEST(BigganWidened, WindowNoiseIsTheFramesNoiseRotated) {
    std::vector<float> z(32), out(32);
    for (int i = 0; i < 32; ++i)
        z[i] = static_cast<float>(i);
    biggan::window_noise(z, 0, 1, out);
    EXPECT_EQ(out[17], 0.0f);
    EXPECT_EQ(out[0], 15.0f);
    biggan::window_noise(z, 0, -2, out);  // shift -34 ≡ 30 (mod 32)
    EXPECT_EQ(out[30], 0.0f);
    biggan::window_noise(z, 1, 0, out);  // shift 41 ≡ 9
    EXPECT_EQ(out[9], 0.0f);
}

TEST(BigganWidened, AspectsMapToWholeCells) {
    const auto grid = [](const char* aspect) {
        const Grid g = biggan::grid_for_aspect(biggan::parse_aspect(aspect), Widen::mirror);
        return std::pair{g.rows, g.cols};
    };
    EXPECT_EQ(grid("1:1"), (std::pair{4, 4}));
    EXPECT_EQ(grid("16:9"), (std::pair{4, 7}));
    EXPECT_EQ(grid("9:16"), (std::pair{7, 4}));
    EXPECT_EQ(grid("21:9"), (std::pair{4, 9}));
    EXPECT_EQ(grid("4:3"), (std::pair{4, 5}));
    EXPECT_EQ(grid("3:2"), (std::pair{4, 6}));
    EXPECT_EQ(grid("2.39:1"), (std::pair{4, 10}));
    EXPECT_EQ(grid("4:1"), (std::pair{4, 16}));
    EXPECT_EQ(grid("1:4"), (std::pair{16, 4}));
    const Grid g = biggan::grid_for_aspect({16, 9}, Widen::noise);
    EXPECT_EQ(g.width(512), 896);
    EXPECT_EQ(g.height(512), 512);
    EXPECT_EQ(biggan::parse_widen("noise"), Widen::noise);
    for (const char* bad : {"10:1", "1:5", "0:1", "16/9", "16:", ":9", "a:b", "-16:9", ""}) {
        const std::string message = test::error_of([&] { biggan::parse_aspect(bad); });
        EXPECT_TRUE(message.starts_with(std::string("--aspect ") + bad + ":")) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
    EXPECT_EQ(test::error_of([] { biggan::parse_aspect("10:1"); }),
              "--aspect 10:1: the ratio must lie within 1:4 to 4:1");
    EXPECT_EQ(test::error_of([] { biggan::parse_widen("tile"); }),
              "--widen tile: expected mirror or noise");
}
