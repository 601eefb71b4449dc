// Replays the choreography against tools/choreo_reference.py (NumPy, written from
// docs/original-tool.md with bigganviz's RNG re-implemented in Python), vector for vector.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "choreo/classes.h"
#include "choreo/vectors.h"
#include "core/error.h"
#include "core/file.h"
#include "core/npy.h"

namespace fs = std::filesystem;
using namespace bgv::choreo;

namespace {
const fs::path kData = fs::path(BGV_TEST_DATA) / "choreo/data";

struct Features {
    std::vector<float> chroma, spec_mean, grad_mean;
    std::array<int, 12> chromasort{};
    std::int64_t frames = 0;

    FeatureView view() const { return {frames, chroma, spec_mean, grad_mean, chromasort}; }
};

Features load_features(const std::string& name) {
    Features f;
    if (name == "silence") {
        f.frames = 87;
        f.chroma.assign(12 * 87, 0.0f);
        f.spec_mean.assign(87, 0.0f);
        f.grad_mean.assign(87, 0.0f);
        for (int i = 0; i < 12; ++i)
            f.chromasort[i] = 11 - i;
        return f;
    }
    auto chroma = bgv::read_npy_f32(kData / (name + "_chroma.npy"));
    f.frames = chroma.shape[1];
    f.chroma = chroma.data;
    f.spec_mean = bgv::read_npy_f32(kData / (name + "_spec_mean.npy")).data;
    f.grad_mean = bgv::read_npy_f32(kData / (name + "_grad_mean.npy")).data;
    const auto sort = bgv::read_npy_f64(kData / (name + "_chromasort.npy")).data;
    for (int i = 0; i < 12; ++i)
        f.chromasort[i] = static_cast<int>(sort[i]);
    return f;
}

Params params_of(const nlohmann::json& p) {
    Params params;
    params.pitch_sensitivity = p.value("ps", 220);
    params.tempo_sensitivity = p.value("ts", 0.25);
    params.jitter = p.value("jitter", 0.5);
    params.frame_length = p.value("frame_length", 512);
    params.truncation = p.value("truncation", 1.0);
    params.smooth_factor = p.value("smooth_factor", 20);
    return params;
}
}  // namespace

TEST(Choreo, MatchesNumpyReferenceVectorForVector) {
    const auto cases = nlohmann::json::parse(bgv::read_file_text(kData / "cases.json"));
    ASSERT_EQ(cases.size(), 6u);
    for (const auto& c : cases) {
        const std::string name = c["name"];
        SCOPED_TRACE(name);
        const Features features = load_features(c["features"]);
        const std::uint64_t seed = c["seed"];
        std::vector<int> classes = c["given"].is_null() ? random_classes(c["num_classes"], seed)
                                                        : c["given"].get<std::vector<int>>();
        if (c["sort_by_power"])
            classes = sort_by_power(classes, features.chromasort);
        ASSERT_EQ(classes, c["classes"].get<std::vector<int>>());

        const Vectors vectors =
            make_vectors(features.view(), classes, params_of(c["params"]), seed);
        ASSERT_EQ(vectors.count, features.frames + 1);

        // The RNG is replayed bit for bit (same libm calls); the only differences left are the
        // order of additions in NumPy's means, a few ulp over a few hundred frames.
        const double tolerance = 1e-12;
        const auto noise = bgv::read_npy_f64(kData / (name + "_noise.npy"));
        ASSERT_EQ(noise.shape, (std::vector<std::int64_t>{vectors.count, 128}));
        double worst = 0;
        for (std::size_t i = 0; i < noise.data.size(); ++i)
            worst = std::max(worst, std::abs(noise.data[i] - vectors.noise[i]));
        EXPECT_LE(worst, tolerance) << "noise";

        const auto columns = c["columns"].get<std::vector<int>>();
        const auto class_columns = bgv::read_npy_f64(kData / (name + "_class_columns.npy"));
        const auto width = static_cast<std::int64_t>(columns.size());
        ASSERT_EQ(class_columns.shape, (std::vector<std::int64_t>{vectors.count, width}));
        worst = 0;
        for (std::int64_t f = 0; f < vectors.count; ++f) {
            const auto row = vectors.class_row(f);
            for (std::int64_t k = 0; k < width; ++k)
                worst =
                    std::max(worst, std::abs(row[columns[k]] - class_columns.data[f * width + k]));
            for (int id = 0; id < 1000; ++id) {
                if (std::find(columns.begin(), columns.end(), id) == columns.end()) {
                    ASSERT_EQ(row[id], 0.0) << "frame " << f << " class " << id;
                }
            }
        }
        EXPECT_LE(worst, tolerance) << "class vectors";
    }
}

TEST(Choreo, SameSeedSameVectorsOtherSeedOthers) {
    const Features features = load_features("short");
    const auto classes = random_classes(12, 1);
    const auto a = make_vectors(features.view(), classes, Params{}, 1);
    const auto b = make_vectors(features.view(), classes, Params{}, 1);
    const auto c = make_vectors(features.view(), classes, Params{}, 2);
    EXPECT_EQ(a.noise, b.noise);
    EXPECT_EQ(a.classes, b.classes);
    EXPECT_NE(a.noise, c.noise);
    EXPECT_NE(random_classes(12, 1), random_classes(12, 2));
}

TEST(Choreo, NoiseStaysInsideTwiceTheTruncationPlusOneStep) {
    const Features features = load_features("chords");
    Params params;
    params.truncation = 0.4;
    params.tempo_sensitivity = 0.8;
    const auto v = make_vectors(features.view(), random_classes(12, 3), params, 3);
    // A unit turns back once it passes 2t - tempo; the smoothed update is at most tempo * 2.
    const double bound = 2 * params.truncation + 2 * tempo_step(params);
    for (const double x : v.noise)
        ASSERT_LE(std::abs(x), bound);
}

TEST(Choreo, SmoothingCoversEveryRowAndBlendsWindowMeans) {
    // Rows 0..6 of one column hold 0..6; window 3: means 1, 4, 6 (last window holds only row 6).
    std::vector<double> rows = {0, 1, 2, 3, 4, 5, 6};
    smooth_class_vectors(rows, 7, 1, 3);
    const std::vector<double> expected = {1, 2.5, 4, 4, 5, 6, 6};
    for (int i = 0; i < 7; ++i)
        EXPECT_DOUBLE_EQ(rows[i], expected[i]) << i;
}

TEST(Choreo, ClassChecksAndRandomClassesAreDistinct) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        auto ids = random_classes(12, seed);
        std::sort(ids.begin(), ids.end());
        EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
        EXPECT_GE(ids.front(), 0);
        EXPECT_LT(ids.back(), 1000);
    }
    EXPECT_THROW(check_classes(std::vector<int>{}), bgv::UsageError);
    EXPECT_THROW(check_classes(std::vector<int>{1000}), bgv::UsageError);
    EXPECT_EQ(sort_by_power(std::vector<int>{10, 20, 30}, {5, 1, 3, 0, 2, 4, 6, 7, 8, 9, 10, 11}),
              (std::vector<int>{20, 30, 10}));
}

TEST(Choreo, CuesLetTheSungLinesClassLead) {
    // Two classes over 6 frames; a cue on frames 2..3 for class 7 (not otherwise used).
    std::vector<double> rows(6 * 1000, 0.0);
    for (int f = 0; f < 6; ++f) {
        rows[f * 1000 + 3] = 0.8;
        rows[f * 1000 + 5] = 0.2;
    }
    const ClassCue cue{2, 4, 7};
    apply_cues(rows, 6, std::span(&cue, 1));
    for (int f = 0; f < 6; ++f) {
        const bool sung = f == 2 || f == 3;
        EXPECT_DOUBLE_EQ(rows[f * 1000 + 7], sung ? 1.0 : 0.0) << f;
        EXPECT_DOUBLE_EQ(rows[f * 1000 + 3], sung ? 0.4 : 0.8) << f;
        EXPECT_DOUBLE_EQ(rows[f * 1000 + 5], sung ? 0.1 : 0.2) << f;
    }
    // Through make_vectors, before smoothing: a cue past the end is cut, not an error.
    const Features features = load_features("short");
    const ClassCue late{5, 1000, 7};
    const auto with =
        make_vectors(features.view(), random_classes(12, 1), Params{}, 1, std::span(&late, 1));
    const auto without = make_vectors(features.view(), random_classes(12, 1), Params{}, 1);
    EXPECT_EQ(with.noise, without.noise);
    EXPECT_NE(with.classes, without.classes);
}
