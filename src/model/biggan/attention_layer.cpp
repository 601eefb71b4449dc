#include "model/biggan/attention_layer.h"

#include <utility>

#include "core/error.h"
#include "model/biggan/weights.h"
#include "runtime/elementwise.h"
#include "runtime/matmul.h"
#include "runtime/profile.h"
#include "runtime/softmax.h"

namespace bgv::biggan {

namespace {

using runtime::DataType;
using runtime::FeatureMap;

// Query rows per block of the attention products (AttentionLayer::run).
constexpr std::int64_t kQueryBlock = 512;

// Element `offset` of a feature map's buffer, whatever its element type.
const void* element(const FeatureMap& map, std::int64_t offset) {
    return static_cast<const unsigned char*>(map.data()) +
           static_cast<std::size_t>(offset) * runtime::element_bytes(map.type());
}
void* element(FeatureMap& map, std::int64_t offset) {
    return const_cast<void*>(element(std::as_const(map), offset));
}

}  // namespace

AttentionLayer::AttentionLayer(const checkpoint::StateDict& w, const std::string& p, int channels,
                               DataType compute, int input_size)
    : channels_(channels), compute_(compute) {
    if (channels % 8 != 0)
        fail("attention over {} channels: not divisible by 8", channels);
    const int c = channels;
    auto projection = fold_spectral_norm(w, p + "snconv1x1_theta", {c / 8, c, 1, 1});
    const auto phi = fold_spectral_norm(w, p + "snconv1x1_phi", {c / 8, c, 1, 1});
    const auto g = fold_spectral_norm(w, p + "snconv1x1_g", {c / 2, c, 1, 1});
    projection.insert(projection.end(), phi.begin(), phi.end());
    projection.insert(projection.end(), g.begin(), g.end());
    const runtime::ConvRole role{.kernel = 1,
                                 .pixels = static_cast<std::int64_t>(input_size) * input_size};
    project_.emplace(projection, std::span<const float>{}, c / 8 + c / 8 + c / 2, c, role, compute);
    auto out = fold_spectral_norm(w, p + "snconv1x1_o_conv", {c, c / 2, 1, 1});
    const float gamma = expect_tensor(w, p + "gamma", {1}).data[0];
    for (auto& v : out)
        v *= gamma;
    output_.emplace(out, std::span<const float>{}, c, c / 2, role, compute);
}

void AttentionLayer::run(runtime::Engine& engine, FeatureMap& x) {
    const std::int64_t batch = x.batch(), h = x.height(), w = x.width();
    const std::int64_t c = channels_, n = h * w, m = n / 4;
    const std::int64_t width = c / 8 + c / 8 + c / 2;  // theta | phi | g
    const double flops = 2.0 * batch * n * (c * width + m * (c / 8) + m * (c / 2) + c / 2 * c);
    runtime::ProfileScope profile(engine, "attention", flops);
    projected_.resize(compute_, batch, h, w, width);
    project_->run(engine, x, projected_);      // (B, n, 3C/4)
    runtime::maxpool2x2(projected_, pooled_);  // (B, n/4, 3C/4)
    attended_.resize(compute_, batch, h, w, c / 2);
    // Query rows a block at a time: the block's scores stay in the cache between the product that
    // makes them, their softmax and the product that reads them (4096 × 1024 scores at 64×64 are
    // 16 MB a sample, written and read three times when made whole).
    const std::int64_t block = std::min(n, kQueryBlock);
    scores_.resize(static_cast<std::size_t>(block * m));
    if (compute_ != DataType::f32)
        probabilities_.resize(scores_.size());
    for (std::int64_t b = 0; b < batch; ++b) {
        for (std::int64_t first = 0; first < n; first += block) {
            const std::int64_t rows = std::min(block, n - first);
            runtime::matmul(engine, element(projected_, (b * n + first) * width),
                            element(pooled_, b * m * width + c / 8), scores_.data(),
                            {.m = rows,
                             .k = c / 8,
                             .n = m,
                             .transpose_b = true,
                             .lda = width,
                             .ldb = width,
                             .ab_type = compute_});  // thetaᵀ·phi (rows, n/4), float32
            const void* probabilities = scores_.data();
            if (compute_ == DataType::f32) {
                runtime::softmax_rows(engine, scores_.data(), rows, m);
            } else {
                runtime::softmax_rows(engine, scores_.data(), probabilities_.data(), DataType::bf16,
                                      rows, m);
                probabilities = probabilities_.data();
            }
            runtime::matmul(engine, probabilities, element(pooled_, b * m * width + c / 4),
                            element(attended_, (b * n + first) * (c / 2)),
                            {.m = rows,
                             .k = m,
                             .n = c / 2,
                             .ldb = width,
                             .ab_type = compute_,
                             .c_type = compute_});  // (rows, C/2)
        }
    }
    output_->run(engine, attended_, x, {.residual = &x});  // x += γ·o_conv
}

}  // namespace bgv::biggan
