#include "runtime/upsampled_conv.h"

#include <vector>

#include "core/assert.h"
#include "core/error.h"

namespace bgv::runtime {

namespace {

// Output row 2y + a of the upsampled 3×3 convolution reads upsampled rows 2y + a - 1 .. 2y + a + 1,
// i.e. low-resolution rows y - 1 + a + r for taps r = 0, 1 of a 2×2 kernel; kernel row ky of the
// 3×3 weights lands on tap r when ky ∈ taps(a, r).
bool tap_covers(int phase, int tap, int k) {
    static const int first[2][2] = {{0, 1}, {0, 2}};
    static const int last[2][2] = {{0, 2}, {1, 2}};
    return k >= first[phase][tap] && k <= last[phase][tap];
}

std::vector<float> phase_weights(std::span<const float> w, int out, int in) {
    std::vector<float> combined(static_cast<std::size_t>(4) * out * in * 4, 0.0f);
    for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b)
            for (int o = 0; o < out; ++o)
                for (int i = 0; i < in; ++i)
                    for (int r = 0; r < 2; ++r)
                        for (int s = 0; s < 2; ++s) {
                            double sum = 0.0;
                            for (int ky = 0; ky < 3; ++ky)
                                for (int kx = 0; kx < 3; ++kx)
                                    if (tap_covers(a, r, ky) && tap_covers(b, s, kx))
                                        sum += w[((static_cast<std::size_t>(o) * in + i) * 3 + ky) *
                                                     3 +
                                                 kx];
                            const std::size_t oc = static_cast<std::size_t>(2 * a + b) * out + o;
                            combined[((oc * in + i) * 2 + r) * 2 + s] = static_cast<float>(sum);
                        }
    return combined;
}

std::vector<float> phase_bias(std::span<const float> bias) {
    std::vector<float> all;
    if (bias.empty())
        return all;
    for (int p = 0; p < 4; ++p)
        all.insert(all.end(), bias.begin(), bias.end());
    return all;
}

}  // namespace

UpsampledConv3x3::UpsampledConv3x3(Engine& engine, std::span<const float> weights,
                                   std::span<const float> bias, int out_channels, int in_channels)
    : out_channels_(out_channels),
      phases_(
          engine,
          [&] {
              BGV_ASSERT(weights.size() == static_cast<std::size_t>(out_channels) * in_channels * 9,
                         "upsampled conv: {} weights given for ({}, {}, 3, 3)", weights.size(),
                         out_channels, in_channels);
              return phase_weights(weights, out_channels, in_channels);
          }(),
          phase_bias(bias), 4 * out_channels, in_channels, 2, 1) {}

void UpsampledConv3x3::run(const Tensor& in, Tensor& out, const float* scale, const float* shift,
                           Activation activation) {
    phases_.run(in, phase_out_);  // (N, H+1, W+1, 4·out)
    const std::int64_t n = in.dim(0), h = in.dim(1), w = in.dim(2), c = out_channels_;
    out.resize({n, 2 * h, 2 * w, c});
    const float* src = phase_out_.data();
    float* dst = out.data();
    const bool relu = activation == Activation::relu;
    BGV_ASSERT(activation == Activation::none || relu, "upsampled conv: only ReLU is fused");
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t y = 0; y < 2 * h; ++y) {
            const std::int64_t a = y % 2, low_y = y / 2 + a;
            const float* sc = scale ? scale + i * c : nullptr;
            const float* sh = shift ? shift + i * c : nullptr;
            for (std::int64_t x = 0; x < 2 * w; ++x) {
                const std::int64_t b = x % 2, low_x = x / 2 + b;
                const float* p =
                    src + ((i * (h + 1) + low_y) * (w + 1) + low_x) * 4 * c + (2 * a + b) * c;
                float* q = dst + ((i * 2 * h + y) * 2 * w + x) * c;
                if (sc != nullptr) {
#pragma omp simd
                    for (std::int64_t k = 0; k < c; ++k) {
                        const float v = p[k] * sc[k] + sh[k];
                        q[k] = relu && v < 0.0f ? 0.0f : v;
                    }
                } else {
#pragma omp simd
                    for (std::int64_t k = 0; k < c; ++k)
                        q[k] = relu && p[k] < 0.0f ? 0.0f : p[k];
                }
            }
        }
    }
}

}  // namespace bgv::runtime
