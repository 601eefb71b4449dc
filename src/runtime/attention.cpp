#include "runtime/attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/assert.h"
#include "core/error.h"

namespace bgv::runtime {

void masked_multi_head_attention(const float* qkv, float* context, std::int64_t batch,
                                 std::int64_t length, std::int64_t heads, std::int64_t head_size,
                                 std::span<const std::int64_t> real_lengths) {
    BGV_ASSERT(static_cast<std::int64_t>(real_lengths.size()) == batch,
               "attention: {} sequence lengths for a batch of {}", real_lengths.size(), batch);
    for (std::int64_t real : real_lengths) {
        BGV_ASSERT(real >= 1 && real <= length,
                   "attention: a sequence of {} real tokens in a padded length of {}", real,
                   length);
    }
    const std::int64_t hidden = heads * head_size;
    const std::int64_t row_stride = 3 * hidden;
    const float scale = 1.0f / std::sqrt(static_cast<float>(head_size));
#pragma omp parallel
    {
        std::vector<float> scores(static_cast<std::size_t>(length));
#pragma omp for collapse(2) schedule(static)
        for (std::int64_t b = 0; b < batch; ++b) {
            for (std::int64_t head = 0; head < heads; ++head) {
                const std::int64_t real = real_lengths[static_cast<std::size_t>(b)];
                const float* base = qkv + b * length * row_stride + head * head_size;
                for (std::int64_t q = 0; q < length; ++q) {
                    float* out = context + (b * length + q) * hidden + head * head_size;
                    if (q >= real) {
                        std::fill(out, out + head_size, 0.0f);
                        continue;
                    }
                    const float* query = base + q * row_stride;
                    float peak = -INFINITY;
                    for (std::int64_t k = 0; k < real; ++k) {
                        const float* key = base + k * row_stride + hidden;
                        float dot = 0.0f;
                        for (std::int64_t c = 0; c < head_size; ++c)
                            dot += query[c] * key[c];
                        scores[static_cast<std::size_t>(k)] = dot * scale;
                        peak = std::max(peak, dot * scale);
                    }
                    float sum = 0.0f;
                    for (std::int64_t k = 0; k < real; ++k) {
                        auto& s = scores[static_cast<std::size_t>(k)];
                        s = std::exp(s - peak);
                        sum += s;
                    }
                    const float inverse = 1.0f / sum;
                    std::fill(out, out + head_size, 0.0f);
                    for (std::int64_t k = 0; k < real; ++k) {
                        const float weight = scores[static_cast<std::size_t>(k)] * inverse;
                        const float* value = base + k * row_stride + 2 * hidden;
                        for (std::int64_t c = 0; c < head_size; ++c)
                            out[c] += weight * value[c];
                    }
                }
            }
        }
    }
}

}  // namespace bgv::runtime
