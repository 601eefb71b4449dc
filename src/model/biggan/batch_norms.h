// model/biggan/batch_norms: the generator's class-conditional batch norms as one linear map of
// the condition vector: folded at load for a truncation (statistics, spectral norm), evaluated
// with one GEMM per batch into per-(sample, channel) scales and shifts that the convolutions
// apply in their prologues and epilogues.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checkpoint/checkpoint.h"
#include "model/biggan/config.h"
#include "runtime/engine.h"

namespace bgv::biggan {

class ConditionalBatchNorms {
  public:
    // Reads prefix.{scale, offset} (spectral norm folded) and prefix.running_{means, vars};
    // returns the batch norm's index.
    int add(const checkpoint::StateDict& weights, const std::string& prefix, int channels,
            const Config& config);

    // Folds the statistics for `truncation` (0 < t ≤ 1) into the stacked linear map, kept in
    // bfloat16 when `bf16` (a bfloat16 GEMM: half the bytes to read per frame).
    void fold(double truncation, double eps, bool bf16 = false);

    // For a batch of condition vectors (batch × condition_dim): every batch norm's scales and
    // shifts.
    void compute(runtime::Engine& engine, const float* condition, int batch);

    // Batch norm `index`'s scale (or shift) for sample `sample` of the last computed batch; the
    // next sample's follow after `channels` values.
    const float* scale(int index, int sample = 0) const;
    const float* shift(int index, int sample = 0) const;

  private:
    struct Norm {
        int channels = 0;
        std::vector<float> scale_weight, offset_weight;  // (channels, condition_dim)
        checkpoint::Tensor running_means, running_vars;  // (n_stats, channels)
        std::int64_t row = 0;                            // first row in the stacked map
    };
    std::vector<Norm> norms_;
    int condition_dim_ = 0;
    std::int64_t rows_ = 0;
    std::vector<float> weight_, bias_;        // (rows, condition_dim): scales then shifts per norm
    std::vector<std::uint16_t> weight_bf16_;  // the same rounded, when folded for bf16
    int batch_ = 0;
    std::vector<float> by_sample_;  // (batch, rows) as the GEMM gives them
    std::vector<float> by_norm_;    // per norm: scale (batch, channels) then shift (batch, ...)
};

}  // namespace bgv::biggan
