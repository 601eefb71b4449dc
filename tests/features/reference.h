// Test helpers for features/: librosa 0.10.2 reference outputs (tests/features/data/librosa and
// data/rhythm, copied from the shared fixtures with their manifests) and error measures.
#pragma once

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "core/npy.h"
#include "features/cqt.h"
#include "features/stft.h"
#include "support/numeric.h"

namespace bgv::features::testing {

inline std::filesystem::path data_dir() {
    return std::filesystem::path(BGV_TEST_DATA) / "features" / "data";
}

// The fixture audio, kept once in the repository by the audio module's tests.
inline std::filesystem::path audio_dir() {
    return std::filesystem::path(BGV_TEST_DATA) / "audio" / "data";
}

inline nlohmann::json manifest() {
    std::ifstream in(data_dir() / "librosa" / "manifest.json");
    return nlohmann::json::parse(in);
}

inline NpyArray<float> reference(const std::string& name) {
    return read_npy_f32(data_dir() / "librosa" / name);
}

// The rhythm fixtures (data/rhythm, from make_rhythm_fixtures.py).
inline nlohmann::json rhythm_manifest() {
    std::ifstream in(data_dir() / "rhythm" / "manifest.json");
    return nlohmann::json::parse(in);
}

inline NpyArray<float> rhythm_reference(const std::string& name) {
    return read_npy_f32(data_dir() / "rhythm" / name);
}

// A parameterised test's name for a fixture file at a hop: "chords_120bpm_wav_hop512".
inline std::string case_label(std::string file, int hop) {
    for (auto& c : file) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
            c = '_';
        }
    }
    return file + "_hop" + std::to_string(hop);
}

using bgv::test::max_abs_error;
using bgv::test::relative_error;

inline bool all_finite(std::span<const float> values) {
    for (const float v : values) {
        if (!std::isfinite(v)) {
            return false;
        }
    }
    return true;
}

// Frames whose 36-bin constant-Q energy (what chroma_cqt normalises) is below 1e-6 of the
// loudest frame's: float32 rounding noise, both here and in librosa.
inline std::vector<bool> noise_frames(std::span<const float> samples, int hop, double tuning,
                                      std::int64_t frames) {
    CqtSpec spec;
    spec.n_bins = 7 * 36;
    spec.bins_per_octave = 36;
    spec.tuning = tuning;
    const auto cqt = cqt_magnitude(samples, 22050, hop, spec, feature_threads());
    std::vector<float> peak(static_cast<std::size_t>(frames), 0.0F);
    float loudest = 0;
    for (int bin = 0; bin < cqt.n_bins; ++bin) {
        for (std::int64_t t = 0; t < frames; ++t) {
            const float v = cqt.magnitude[static_cast<std::size_t>(bin * cqt.frames + t)];
            peak[static_cast<std::size_t>(t)] = std::max(peak[static_cast<std::size_t>(t)], v);
            loudest = std::max(loudest, v);
        }
    }
    std::vector<bool> noise(static_cast<std::size_t>(frames));
    for (std::int64_t t = 0; t < frames; ++t) {
        noise[static_cast<std::size_t>(t)] = peak[static_cast<std::size_t>(t)] < 1e-6F * loudest;
    }
    return noise;
}

// np.argsort(mean over the kept frames)[::-1] for a 12 × frames chromagram.
inline std::array<int, 12> chroma_order_over(std::span<const float> chroma,
                                             const std::vector<bool>& keep) {
    const auto frames = static_cast<std::int64_t>(keep.size());
    std::array<double, 12> sums{};
    for (int c = 0; c < 12; ++c) {
        for (std::int64_t t = 0; t < frames; ++t) {
            if (keep[static_cast<std::size_t>(t)]) {
                sums[static_cast<std::size_t>(c)] +=
                    chroma[static_cast<std::size_t>(c * frames + t)];
            }
        }
    }
    std::array<int, 12> order{};
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return sums[static_cast<std::size_t>(a)] < sums[static_cast<std::size_t>(b)];
    });
    std::reverse(order.begin(), order.end());
    return order;
}

}  // namespace bgv::features::testing
