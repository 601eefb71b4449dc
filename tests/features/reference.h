// Test helpers for features/: librosa 0.10.2 reference outputs (tests/features/data/librosa, copied
// from the shared fixtures with their manifest) and error measures against them.
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/npy.h"

namespace bgv::features::testing {

inline std::filesystem::path data_dir() {
    return std::filesystem::path(BGV_TEST_DATA) / "features" / "data";
}

inline nlohmann::json manifest() {
    std::ifstream in(data_dir() / "librosa" / "manifest.json");
    return nlohmann::json::parse(in);
}

inline NpyArray<float> reference(const std::string& name) {
    return read_npy_f32(data_dir() / "librosa" / name);
}

// ‖ours − ref‖₂ / ‖ref‖₂ (0 when both are zero).
inline double relative_error(std::span<const float> ours, std::span<const float> ref) {
    double diff = 0;
    double norm = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        const double d = static_cast<double>(ours[i]) - ref[i];
        diff += d * d;
        norm += static_cast<double>(ref[i]) * ref[i];
    }
    return norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

inline double max_abs_error(std::span<const float> ours, std::span<const float> ref) {
    double worst = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        worst = std::max(worst, std::abs(static_cast<double>(ours[i]) - ref[i]));
    }
    return worst;
}

inline bool all_finite(std::span<const float> values) {
    for (const float v : values) {
        if (!std::isfinite(v)) {
            return false;
        }
    }
    return true;
}

}  // namespace bgv::features::testing
