#include "runtime/narrow_conv.h"

#include "core/error.h"

namespace bgv::runtime {

namespace {

constexpr int kLanes = 16;  // one AVX-512 register of floats; the compiler's clones pick ISA

// One output row (sample n, row y) of all four output channels. acc[o][j] holds lane j of
// output o's sum over taps, reduced once per pixel.
__attribute__((target_clones("avx512f", "avx2", "default"))) void narrow_row(
    const float* in, std::int64_t h, std::int64_t w, std::int64_t c, std::int64_t y,
    const float* weights, const float* bias, float* out_row[4]) {
    for (std::int64_t x = 0; x < w; ++x) {
        float acc[4][kLanes] = {};
        float tail[4] = {0, 0, 0, 0};
        for (int ky = 0; ky < 3; ++ky) {
            const std::int64_t sy = y + ky - 1;
            if (sy < 0 || sy >= h)
                continue;
            for (int kx = 0; kx < 3; ++kx) {
                const std::int64_t sx = x + kx - 1;
                if (sx < 0 || sx >= w)
                    continue;
                const float* p = in + (sy * w + sx) * c;
                const float* wt = weights + (ky * 3 + kx) * 4 * c;
                std::int64_t k = 0;
                for (; k + kLanes <= c; k += kLanes) {
#pragma omp simd
                    for (int j = 0; j < kLanes; ++j) {
                        const float v = p[k + j];
                        acc[0][j] += v * wt[k + j];
                        acc[1][j] += v * wt[c + k + j];
                        acc[2][j] += v * wt[2 * c + k + j];
                        acc[3][j] += v * wt[3 * c + k + j];
                    }
                }
                for (; k < c; ++k)
                    for (int o = 0; o < 4; ++o)
                        tail[o] += p[k] * wt[o * c + k];
            }
        }
        for (int o = 0; o < 4; ++o) {
            if (out_row[o] == nullptr)
                continue;
            float sum = tail[o];
            for (int j = 0; j < kLanes; ++j)
                sum += acc[o][j];
            out_row[o][x] = sum + bias[o];
        }
    }
}

}  // namespace

NarrowConv3x3::NarrowConv3x3(std::span<const float> weights, std::span<const float> bias,
                             int out_channels, int in_channels)
    : out_channels_(out_channels), in_channels_(in_channels) {
    if (out_channels < 1 || out_channels > 4)
        fail("narrow conv: {} output channels (1 to 4 supported)", out_channels);
    if (weights.size() != static_cast<std::size_t>(out_channels) * in_channels * 9)
        fail("narrow conv: {} weights given for ({}, {}, 3, 3)", weights.size(), out_channels,
             in_channels);
    if (!bias.empty() && bias.size() != static_cast<std::size_t>(out_channels))
        fail("narrow conv: {} bias values for {} outputs", bias.size(), out_channels);
    weights_.assign(static_cast<std::size_t>(9) * 4 * in_channels, 0.0f);
    for (int o = 0; o < out_channels; ++o)
        for (int i = 0; i < in_channels; ++i)
            for (int t = 0; t < 9; ++t)
                weights_[(static_cast<std::size_t>(t) * 4 + o) * in_channels + i] =
                    weights[(static_cast<std::size_t>(o) * in_channels + i) * 9 + t];
    for (std::size_t o = 0; o < bias.size(); ++o)
        bias_[o] = bias[o];
}

void NarrowConv3x3::run(const Tensor& in, std::span<float> out) const {
    if (in.rank() != 4 || in.dim(3) != in_channels_)
        fail("narrow conv: input {} is not (N, H, W, {})", in.shape_string(), in_channels_);
    const std::int64_t n = in.dim(0), h = in.dim(1), w = in.dim(2);
    if (static_cast<std::int64_t>(out.size()) != n * out_channels_ * h * w)
        fail("narrow conv: {} output values for {} × {} × {} × {}", out.size(), n, out_channels_, h,
             w);
    const float* src = in.data();
    float* dst = out.data();
    const float* weights = weights_.data();
    const float* bias = bias_;
    const std::int64_t c = in_channels_, outs = out_channels_;
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t y = 0; y < h; ++y) {
            float* rows[4] = {nullptr, nullptr, nullptr, nullptr};
            for (std::int64_t o = 0; o < outs; ++o)
                rows[o] = dst + ((i * outs + o) * h + y) * w;
            narrow_row(src + i * h * w * c, h, w, c, y, weights, bias, rows);
        }
    }
}

}  // namespace bgv::runtime
