#include "runtime/elementwise.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

#include "core/assert.h"
#include "core/error.h"

namespace bgv::runtime {

namespace {

inline float activate(float v, Activation activation) {
    switch (activation) {
        case Activation::relu:
            return v > 0.0f ? v : 0.0f;
        case Activation::tanh:
            return std::tanh(v);
        case Activation::gelu_erf:
            return 0.5f * v * (1.0f + std::erf(v * 0.70710678118654752f));
        case Activation::none:
            break;
    }
    return v;
}

template <typename E, typename Less>
void maxpool_rows(const E* src, E* dst, std::int64_t n, std::int64_t h, std::int64_t w,
                  std::int64_t c, Less less) {
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t y = 0; y < h / 2; ++y) {
            for (std::int64_t x = 0; x < w / 2; ++x) {
                const E* p00 = src + ((i * h + 2 * y) * w + 2 * x) * c;
                const E* p01 = p00 + c;
                const E* p10 = p00 + w * c;
                const E* p11 = p10 + c;
                E* o = dst + ((i * (h / 2) + y) * (w / 2) + x) * c;
                for (std::int64_t k = 0; k < c; ++k) {
                    const E a = less(p00[k], p01[k]) ? p01[k] : p00[k];
                    const E b = less(p10[k], p11[k]) ? p11[k] : p10[k];
                    o[k] = less(a, b) ? b : a;
                }
            }
        }
    }
}

}  // namespace

void maxpool2x2(const FeatureMap& in, FeatureMap& out) {
    const std::int64_t n = in.batch(), h = in.height(), w = in.width(), c = in.channels();
    BGV_ASSERT(h % 2 == 0 && w % 2 == 0 && in.border() == 0,
               "maxpool2x2: odd spatial size or a border in {}", in.shape_string());
    out.resize(in.type(), n, h / 2, w / 2, c);
    if (in.type() == DataType::f32) {
        maxpool_rows(in.f32(), out.f32(), n, h, w, c, [](float a, float b) { return a < b; });
    } else {
        // bfloat16 is float32's upper half: compare the floats the bits stand for.
        maxpool_rows(static_cast<const std::uint16_t*>(in.data()),
                     static_cast<std::uint16_t*>(out.data()), n, h, w, c,
                     [](std::uint16_t a, std::uint16_t b) {
                         return std::bit_cast<float>(std::uint32_t{a} << 16) <
                                std::bit_cast<float>(std::uint32_t{b} << 16);
                     });
    }
}

void layer_norm_rows(float* x, std::int64_t rows, std::int64_t cols, const float* gamma,
                     const float* beta, float eps) {
#pragma omp parallel for schedule(static)
    for (std::int64_t r = 0; r < rows; ++r) {
        float* row = x + r * cols;
        double mean = 0.0;
        for (std::int64_t c = 0; c < cols; ++c)
            mean += row[c];
        mean /= static_cast<double>(cols);
        double var = 0.0;
        for (std::int64_t c = 0; c < cols; ++c)
            var += (row[c] - mean) * (row[c] - mean);
        var /= static_cast<double>(cols);
        const auto inv = static_cast<float>(1.0 / std::sqrt(var + eps));
        const auto m = static_cast<float>(mean);
        for (std::int64_t c = 0; c < cols; ++c)
            row[c] = (row[c] - m) * inv * gamma[c] + beta[c];
    }
}

void channel_affine(const FeatureMap& in, FeatureMap& out, const float* scale, const float* shift,
                    bool relu) {
    BGV_ASSERT(in.type() == DataType::f32 && out.type() == DataType::f32 && in.border() == 0 &&
                   out.border() == 0 && in.batch() == out.batch() && in.height() == out.height() &&
                   in.width() == out.width() && in.channels() == out.channels(),
               "channel_affine: {} into {}", in.shape_string(), out.shape_string());
    const std::int64_t n = in.batch(), pixels = in.height() * in.width(), c = in.channels();
    const float* src = in.f32();
    float* dst = out.f32();
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t p = 0; p < pixels; ++p) {
            const float* a = scale + i * c;
            const float* b = shift + i * c;
            const float* from = src + (i * pixels + p) * c;
            float* to = dst + (i * pixels + p) * c;
            if (relu) {
#pragma omp simd
                for (std::int64_t k = 0; k < c; ++k)
                    to[k] = std::max(from[k] * a[k] + b[k], 0.0f);
            } else {
#pragma omp simd
                for (std::int64_t k = 0; k < c; ++k)
                    to[k] = from[k] * a[k] + b[k];
            }
        }
}

void skip_channels(const FeatureMap& in, FeatureMap& out, bool upsample) {
    const int up = upsample ? 1 : 0;
    BGV_ASSERT(in.type() == DataType::f32 && out.type() == DataType::f32 && in.border() == 0 &&
                   out.border() == 0 && in.batch() == out.batch() &&
                   in.height() << up == out.height() && in.width() << up == out.width() &&
                   out.channels() <= in.channels(),
               "skip_channels: {} into {}", in.shape_string(), out.shape_string());
    const std::int64_t n = out.batch(), h = out.height(), w = out.width(), k = out.channels();
    const std::int64_t c = in.channels(), in_w = in.width(), in_h = in.height();
    const float* src = in.f32();
    float* dst = out.f32();
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t y = 0; y < h; ++y) {
            const float* row = src + ((i * in_h + (y >> up)) * in_w) * c;
            float* out_row = dst + ((i * h + y) * w) * k;
            for (std::int64_t x = 0; x < w; ++x)
                std::copy_n(row + (x >> up) * c, k, out_row + x * k);
        }
}

void apply_activation(std::span<float> x, Activation activation) {
    if (activation == Activation::none)
        return;
    const auto size = static_cast<std::int64_t>(x.size());
    float* p = x.data();
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < size; ++i)
        p[i] = activate(p[i], activation);
}

void add(std::span<const float> a, std::span<const float> b, std::span<float> out) {
    BGV_ASSERT(a.size() == b.size() && a.size() == out.size(), "add: sizes {}, {} and {} differ",
               a.size(), b.size(), out.size());
    const auto size = static_cast<std::int64_t>(a.size());
    const float* pa = a.data();
    const float* pb = b.data();
    float* po = out.data();
#pragma omp parallel for simd schedule(static)
    for (std::int64_t i = 0; i < size; ++i)
        po[i] = pa[i] + pb[i];
}

}  // namespace bgv::runtime
