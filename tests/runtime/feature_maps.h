// Test support: FeatureMaps filled from, and read back into, plain NHWC float vectors.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/conv_kernel.h"
#include "runtime/feature_map.h"

namespace bgv::test {

inline runtime::FeatureMap feature_map(const std::vector<float>& nhwc, runtime::DataType type,
                                       std::int64_t n, std::int64_t h, std::int64_t w,
                                       std::int64_t c, int border = 0) {
    runtime::FeatureMap map(type, n, h, w, c, border);
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t y = 0; y < h; ++y)
            for (std::int64_t x = 0; x < w; ++x)
                for (std::int64_t k = 0; k < c; ++k) {
                    const float v = nhwc[static_cast<std::size_t>(((i * h + y) * w + x) * c + k)];
                    const std::int64_t at = map.offset(i, y, x) + k;
                    if (type == runtime::DataType::f32)
                        map.f32()[at] = v;
                    else
                        static_cast<std::uint16_t*>(map.data())[at] = runtime::to_bf16(v);
                }
    return map;
}

// The interior as NHWC floats.
inline std::vector<float> values_of(const runtime::FeatureMap& map) {
    std::vector<float> v;
    for (std::int64_t i = 0; i < map.batch(); ++i)
        for (std::int64_t y = 0; y < map.height(); ++y)
            for (std::int64_t x = 0; x < map.width(); ++x)
                for (std::int64_t k = 0; k < map.channels(); ++k) {
                    const std::int64_t at = map.offset(i, y, x) + k;
                    v.push_back(map.type() == runtime::DataType::f32
                                    ? map.f32()[at]
                                    : runtime::from_bf16(
                                          static_cast<const std::uint16_t*>(map.data())[at]));
                }
    return v;
}

// Values as bfloat16 holds them (round to nearest even).
inline std::vector<float> rounded_to_bf16(std::vector<float> v) {
    for (auto& x : v)
        x = runtime::from_bf16(runtime::to_bf16(x));
    return v;
}

}  // namespace bgv::test
