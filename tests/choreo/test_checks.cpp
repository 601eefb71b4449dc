// Issue 11, item 8: NaN or infinite noise/class vectors rendered flat grey frames with exit 0, and
// run.json classes [1e30] became class -2147483648; [] and 14 ids were accepted.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "choreo/checks.h"
#include "core/json.h"
#include "support/errors.h"

namespace bgv::choreo {
namespace {

using test::error_of;

Vectors calm_vectors(std::int64_t frames) {
    Vectors vectors;
    vectors.count = frames;
    vectors.noise.assign(static_cast<std::size_t>(frames * kNoiseSize), 0.25);
    vectors.classes.assign(static_cast<std::size_t>(frames * kImageNetClasses), 0.0);
    return vectors;
}

TEST(VectorChecks, NanInfinityAndHugeValuesAreRefusedWithTheirPlace) {
    Vectors vectors = calm_vectors(3);
    EXPECT_EQ(error_of([&] { check_vectors(vectors, "saved_vectors"); }), "(no error)");

    vectors.noise[1 * kNoiseSize + 5] = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(error_of([&] { check_vectors(vectors, "saved_vectors"); }),
              "saved_vectors: noise vector 1 has nan at column 5 (expected finite values within "
              "±1000)");
    vectors = calm_vectors(3);
    vectors.classes[2 * kImageNetClasses + 999] = -std::numeric_limits<double>::infinity();
    EXPECT_EQ(error_of([&] { check_vectors(vectors, "saved_vectors"); }),
              "saved_vectors: class vector 2 has -inf at column 999 (expected finite values "
              "within ±1000)");
    const std::vector<float> noise = {0.5f, 1e30f};
    EXPECT_EQ(error_of([&] { check_vector_values(noise, 2, "noise vector", "z.npy"); }),
              "z.npy: noise vector 0 has 1.0000000150474662e+30 at column 1 (expected finite "
              "values within ±1000)");
}

TEST(VectorChecks, MismatchedSizesAreRefused) {
    Vectors vectors = calm_vectors(2);
    vectors.noise.pop_back();
    EXPECT_EQ(error_of([&] { check_vectors(vectors, "dir"); }),
              "dir: 2 frames need 256 noise and 2000 class values, got 255 and 2000");
}

TEST(VectorChecks, RunRecordClassesAreOneToTwelveIntegerIds) {
    const auto classes = [](const char* text) {
        return error_of([&] { classes_of_record(parse_json(text)); });
    };
    EXPECT_EQ(classes(R"({"classes": [1, 999, 3.0]})"), "(no error)");
    EXPECT_EQ(classes_of_record(parse_json(R"({"classes": [1, 999, 3.0]})")),
              (std::vector<int>{1, 999, 3}));
    EXPECT_EQ(classes(R"({"classes": [1e30]})"), "classes: expected integers 0–999, got 1e+30");
    EXPECT_EQ(classes(R"({"classes": [2.5]})"), "classes: expected integers 0–999, got 2.5");
    EXPECT_EQ(classes(R"({"classes": ["7"]})"), "classes: expected integers 0–999, got \"7\"");
    EXPECT_EQ(classes(R"({"classes": []})"),
              "classes: expected a list of 1–12 integers 0–999, got []");
    EXPECT_EQ(
        classes(R"({"classes": [1,2,3,4,5,6,7,8,9,10,11,12,13,14]})"),
        "classes: expected a list of 1–12 integers 0–999, got [1,2,3,4,5,6,7,8,9,10,11,12,13,14]");
    EXPECT_EQ(classes(R"({"seed": 3})"), "expected a JSON object with a \"classes\" list");
    // A bad record is a bad file: exit code 1, not the usage code 2.
    try {
        classes_of_record(parse_json(R"({"classes": [1e30]})"));
    } catch (const std::exception& e) {
        EXPECT_FALSE(is_usage_error(e));
    }
}

}  // namespace
}  // namespace bgv::choreo
