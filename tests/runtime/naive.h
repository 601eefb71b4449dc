// Naive double-precision loops the runtime's operations are checked against.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "support/numeric.h"

namespace bgv::test {

inline std::vector<float> random_values(std::size_t count, unsigned seed, float scale = 1.0f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-scale, scale);
    std::vector<float> v(count);
    for (auto& x : v)
        x = dist(rng);
    return v;
}

// NHWC input (n, h, w, ci), OIHW weights, zero padding, stride 1 → NHWC (n, h, w, co).
inline std::vector<double> naive_conv(const std::vector<float>& in, const std::vector<float>& wt,
                                      const std::vector<float>& bias, int n, int h, int w, int ci,
                                      int co, int k, int pad) {
    std::vector<double> out(static_cast<std::size_t>(n) * h * w * co);
    for (int i = 0; i < n; ++i)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                for (int o = 0; o < co; ++o) {
                    double acc = bias.empty() ? 0.0 : bias[o];
                    for (int ky = 0; ky < k; ++ky)
                        for (int kx = 0; kx < k; ++kx) {
                            const int sy = y + ky - pad, sx = x + kx - pad;
                            if (sy < 0 || sy >= h || sx < 0 || sx >= w)
                                continue;
                            for (int c = 0; c < ci; ++c)
                                acc +=
                                    static_cast<double>(
                                        in[((static_cast<std::size_t>(i) * h + sy) * w + sx) * ci +
                                           c]) *
                                    wt[((static_cast<std::size_t>(o) * ci + c) * k + ky) * k + kx];
                        }
                    out[((static_cast<std::size_t>(i) * h + y) * w + x) * co + o] = acc;
                }
    return out;
}

// Row-wise softmax in place on a (rows, cols) matrix, the plain loop (float32 as the runtime
// computes, exp from libm): the oracle for the runtime's oneDNN softmax.
inline void softmax_rows_reference(float* x, std::int64_t rows, std::int64_t cols) {
    for (std::int64_t r = 0; r < rows; ++r) {
        float* row = x + r * cols;
        float peak = row[0];
        for (std::int64_t c = 1; c < cols; ++c)
            peak = std::max(peak, row[c]);
        float sum = 0.0f;
        for (std::int64_t c = 0; c < cols; ++c) {
            row[c] = std::exp(row[c] - peak);
            sum += row[c];
        }
        for (std::int64_t c = 0; c < cols; ++c)
            row[c] /= sum;
    }
}

}  // namespace bgv::test
