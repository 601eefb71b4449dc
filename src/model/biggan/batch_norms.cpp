#include "model/biggan/batch_norms.h"

#include <algorithm>
#include <cmath>

#include "core/assert.h"
#include "model/biggan/weights.h"
#include "runtime/conv_kernel.h"
#include "runtime/matmul.h"

namespace bgv::biggan {

int ConditionalBatchNorms::add(const checkpoint::StateDict& w, const std::string& prefix,
                               int channels, const Config& c) {
    Norm bn;
    bn.channels = channels;
    const std::vector<std::int64_t> linear{channels, c.condition_dim()};
    bn.scale_weight = fold_spectral_norm(w, prefix + ".scale", linear);
    bn.offset_weight = fold_spectral_norm(w, prefix + ".offset", linear);
    bn.running_means = expect_tensor(w, prefix + ".running_means", {c.n_stats, channels});
    bn.running_vars = expect_tensor(w, prefix + ".running_vars", {c.n_stats, channels});
    condition_dim_ = c.condition_dim();
    norms_.push_back(std::move(bn));
    return static_cast<int>(norms_.size()) - 1;
}

void ConditionalBatchNorms::fold(double truncation, double eps, bool bf16) {
    const int cd = condition_dim_;
    rows_ = 0;
    for (auto& bn : norms_) {
        bn.row = rows_;
        rows_ += 2 * bn.channels;
    }
    weight_.assign(static_cast<std::size_t>(rows_) * cd, 0.0f);
    bias_.assign(static_cast<std::size_t>(rows_), 0.0f);
    for (const auto& bn : norms_) {
        const auto stats = statistics_for_truncation(bn.running_means, bn.running_vars, truncation);
        const int n = bn.channels;
        for (int ch = 0; ch < n; ++ch) {
            // a = (1 + s)/sqrt(var + eps), b = o - mean·a with s, o linear in the condition.
            const double inv_std = 1.0 / std::sqrt(stats.var[ch] + eps);
            const double mean_inv = stats.mean[ch] * inv_std;
            float* a_row = &weight_[(bn.row + ch) * cd];
            float* b_row = &weight_[(bn.row + n + ch) * cd];
            for (int k = 0; k < cd; ++k) {
                const double s = bn.scale_weight[static_cast<std::size_t>(ch) * cd + k];
                const double o = bn.offset_weight[static_cast<std::size_t>(ch) * cd + k];
                a_row[k] = static_cast<float>(s * inv_std);
                b_row[k] = static_cast<float>(o - s * mean_inv);
            }
            bias_[bn.row + ch] = static_cast<float>(inv_std);
            bias_[bn.row + n + ch] = static_cast<float>(-mean_inv);
        }
    }
    weight_bf16_.clear();
    if (bf16) {
        weight_bf16_.resize(weight_.size());
        std::transform(weight_.begin(), weight_.end(), weight_bf16_.begin(), runtime::to_bf16);
        weight_ = {};  // never read again
    }
}

void ConditionalBatchNorms::compute(runtime::Engine& engine, const float* condition, int batch) {
    BGV_ASSERT(rows_ > 0, "conditional batch norms: compute before fold");
    batch_ = batch;
    by_sample_.resize(static_cast<std::size_t>(batch) * rows_);
    if (weight_bf16_.empty())
        runtime::linear(engine, condition, weight_.data(), bias_.data(), by_sample_.data(), batch,
                        condition_dim_, rows_);
    else
        runtime::linear(engine, condition, weight_bf16_.data(), bias_.data(), by_sample_.data(),
                        batch, condition_dim_, rows_);
    // Regroup (sample, row) → per batch norm: scale (batch, channels) then shift (batch, ...).
    by_norm_.resize(by_sample_.size());
    for (const auto& bn : norms_) {
        const int n = bn.channels;
        for (int i = 0; i < batch; ++i)
            for (int part = 0; part < 2; ++part)
                std::copy_n(by_sample_.data() + i * rows_ + bn.row + part * n, n,
                            by_norm_.data() + bn.row * batch +
                                (static_cast<std::int64_t>(part) * batch + i) * n);
    }
}

const float* ConditionalBatchNorms::scale(int index, int sample) const {
    const Norm& bn = norms_.at(static_cast<std::size_t>(index));
    return by_norm_.data() + bn.row * batch_ + static_cast<std::int64_t>(sample) * bn.channels;
}

const float* ConditionalBatchNorms::shift(int index, int sample) const {
    const Norm& bn = norms_.at(static_cast<std::size_t>(index));
    return by_norm_.data() + bn.row * batch_ +
           static_cast<std::int64_t>(batch_ + sample) * bn.channels;
}

}  // namespace bgv::biggan
