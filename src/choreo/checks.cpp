#include "choreo/checks.h"

#include <cmath>
#include <cstdint>

#include "core/error.h"
#include "core/json.h"

namespace bgv::choreo {

namespace {
template <typename T>
void check_values(std::span<const T> values, int columns, std::string_view what,
                  std::string_view source, std::int64_t first_row = 0) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double value = values[i];
        if (std::isfinite(value) && std::abs(value) <= kMaxVectorMagnitude)
            continue;
        const auto row =
            first_row + static_cast<std::int64_t>(i / static_cast<std::size_t>(columns));
        const auto column = i % static_cast<std::size_t>(columns);
        fail("{}: {} {} has {} at column {} (expected finite values within ±{})", source, what, row,
             value, column, kMaxVectorMagnitude);
    }
}
}  // namespace

void check_vector_values(std::span<const double> values, int columns, std::string_view what,
                         std::string_view source, std::int64_t first_row) {
    check_values(values, columns, what, source, first_row);
}

void check_vector_values(std::span<const float> values, int columns, std::string_view what,
                         std::string_view source, std::int64_t first_row) {
    check_values(values, columns, what, source, first_row);
}

void check_vectors(const Vectors& vectors, std::string_view source) {
    const auto expected_noise = static_cast<std::size_t>(vectors.count) * kNoiseSize;
    const auto expected_classes = static_cast<std::size_t>(vectors.count) * kImageNetClasses;
    if (vectors.count < 1 || vectors.noise.size() != expected_noise ||
        vectors.classes.size() != expected_classes)
        fail("{}: {} frames need {} noise and {} class values, got {} and {}", source,
             vectors.count, expected_noise, expected_classes, vectors.noise.size(),
             vectors.classes.size());
    check_values(std::span<const double>(vectors.noise), kNoiseSize, "noise vector", source);
    check_values(std::span<const double>(vectors.classes), kImageNetClasses, "class vector",
                 source);
}

std::vector<int> classes_of_record(const nlohmann::json& record) {
    if (!record.is_object() || !record.contains("classes"))
        fail("expected a JSON object with a \"classes\" list");
    const auto ids = json_integer_list(record.at("classes"), "classes", 0, kImageNetClasses - 1, 1,
                                       kPitchClasses);
    return {ids.begin(), ids.end()};
}

}  // namespace bgv::choreo
