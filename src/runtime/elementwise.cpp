#include "runtime/elementwise.h"

#include <algorithm>
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

template <Activation A>
void affine_rows(const float* in, float* out, std::int64_t n, std::int64_t pixels,
                 std::int64_t channels, const float* scale, const float* shift) {
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t p = 0; p < pixels; ++p) {
            const float* a = scale + i * channels;
            const float* b = shift + i * channels;
            const float* src = in + (i * pixels + p) * channels;
            float* dst = out + (i * pixels + p) * channels;
#pragma omp simd
            for (std::int64_t c = 0; c < channels; ++c) {
                float v = src[c] * a[c] + b[c];
                if constexpr (A == Activation::relu)
                    v = v > 0.0f ? v : 0.0f;
                dst[c] = v;
            }
            if constexpr (A != Activation::relu && A != Activation::none)
                for (std::int64_t c = 0; c < channels; ++c)
                    dst[c] = activate(dst[c], A);
        }
    }
}

void affine_dispatch(const float* in, float* out, std::int64_t n, std::int64_t pixels,
                     std::int64_t channels, const float* scale, const float* shift,
                     Activation activation) {
    switch (activation) {
        case Activation::none:
            return affine_rows<Activation::none>(in, out, n, pixels, channels, scale, shift);
        case Activation::relu:
            return affine_rows<Activation::relu>(in, out, n, pixels, channels, scale, shift);
        case Activation::tanh:
            return affine_rows<Activation::tanh>(in, out, n, pixels, channels, scale, shift);
        case Activation::gelu_erf:
            return affine_rows<Activation::gelu_erf>(in, out, n, pixels, channels, scale, shift);
    }
}

void require_nhwc(const Tensor& t, const char* what) {
    BGV_ASSERT(t.rank() == 4, "{}: expected an NHWC tensor, got shape {}", what, t.shape_string());
}

}  // namespace

void channel_affine(Tensor& x, const float* scale, const float* shift, Activation activation) {
    BGV_ASSERT(x.rank() >= 2, "channel_affine: tensor {} has no channel axis", x.shape_string());
    const std::int64_t n = x.dim(0), c = x.shape().back();
    affine_dispatch(x.data(), x.data(), n, x.size() / (n * c), c, scale, shift, activation);
}

void channel_affine(const Tensor& in, Tensor& out, const float* scale, const float* shift,
                    Activation activation) {
    BGV_ASSERT(in.rank() >= 2, "channel_affine: tensor {} has no channel axis", in.shape_string());
    out.resize(in.shape());
    const std::int64_t n = in.dim(0), c = in.shape().back();
    affine_dispatch(in.data(), out.data(), n, in.size() / (n * c), c, scale, shift, activation);
}

void upsample_nearest2x(const Tensor& in, Tensor& out, std::int64_t channels) {
    require_nhwc(in, "upsample_nearest2x");
    const std::int64_t n = in.dim(0), h = in.dim(1), w = in.dim(2), c = in.dim(3);
    const std::int64_t k = channels > 0 ? channels : c;
    BGV_ASSERT(k <= c, "upsample_nearest2x: {} channels asked of {}", k, in.shape_string());
    out.resize({n, 2 * h, 2 * w, k});
    const float* src = in.data();
    float* dst = out.data();
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t y = 0; y < 2 * h; ++y) {
            const float* row = src + ((i * h + y / 2) * w) * c;
            float* out_row = dst + ((i * 2 * h + y) * 2 * w) * k;
            for (std::int64_t x = 0; x < 2 * w; ++x)
                std::copy_n(row + (x / 2) * c, k, out_row + x * k);
        }
    }
}

void copy_channels(const Tensor& in, Tensor& out, std::int64_t channels) {
    require_nhwc(in, "copy_channels");
    const std::int64_t n = in.dim(0), h = in.dim(1), w = in.dim(2), c = in.dim(3);
    BGV_ASSERT(channels > 0 && channels <= c, "copy_channels: {} channels asked of {}", channels,
               in.shape_string());
    out.resize({n, h, w, channels});
    const std::int64_t pixels = n * h * w;
    const float* src = in.data();
    float* dst = out.data();
#pragma omp parallel for schedule(static)
    for (std::int64_t p = 0; p < pixels; ++p)
        std::copy_n(src + p * c, channels, dst + p * channels);
}

void maxpool2x2(const Tensor& in, Tensor& out) {
    require_nhwc(in, "maxpool2x2");
    const std::int64_t n = in.dim(0), h = in.dim(1), w = in.dim(2), c = in.dim(3);
    BGV_ASSERT(h % 2 == 0 && w % 2 == 0, "maxpool2x2: odd spatial size in {}", in.shape_string());
    out.resize({n, h / 2, w / 2, c});
    const float* src = in.data();
    float* dst = out.data();
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t y = 0; y < h / 2; ++y) {
            for (std::int64_t x = 0; x < w / 2; ++x) {
                const float* p00 = src + ((i * h + 2 * y) * w + 2 * x) * c;
                const float* p01 = p00 + c;
                const float* p10 = p00 + w * c;
                const float* p11 = p10 + c;
                float* o = dst + ((i * (h / 2) + y) * (w / 2) + x) * c;
#pragma omp simd
                for (std::int64_t k = 0; k < c; ++k)
                    o[k] = std::max(std::max(p00[k], p01[k]), std::max(p10[k], p11[k]));
            }
        }
    }
}

void nhwc_to_nchw(const Tensor& in, std::span<float> out) {
    require_nhwc(in, "nhwc_to_nchw");
    const std::int64_t n = in.dim(0), h = in.dim(1), w = in.dim(2), c = in.dim(3);
    BGV_ASSERT(static_cast<std::int64_t>(out.size()) == in.size(), "nhwc_to_nchw: {} values for {}",
               out.size(), in.shape_string());
    const float* src = in.data();
    float* dst = out.data();
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t k = 0; k < c; ++k)
            for (std::int64_t p = 0; p < h * w; ++p)
                dst[(i * c + k) * h * w + p] = src[(i * h * w + p) * c + k];
}

void softmax_rows(float* x, std::int64_t rows, std::int64_t cols, std::int64_t ld) {
    const std::int64_t stride = ld ? ld : cols;
#pragma omp parallel for schedule(static)
    for (std::int64_t r = 0; r < rows; ++r) {
        float* row = x + r * stride;
        float peak = row[0];
        for (std::int64_t c = 1; c < cols; ++c)
            peak = std::max(peak, row[c]);
        float sum = 0.0f;
        for (std::int64_t c = 0; c < cols; ++c) {
            row[c] = std::exp(row[c] - peak);
            sum += row[c];
        }
        const float inv = 1.0f / sum;
#pragma omp simd
        for (std::int64_t c = 0; c < cols; ++c)
            row[c] *= inv;
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
