// model/biggan/weights: strict access to a BigGAN-deep state dict (every key present, every shape
// as the configuration says, every value finite) and the folds done once at load: spectral
// norm, batch-norm statistics for a truncation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checkpoint/checkpoint.h"

namespace bgv::biggan {

// The tensor under `key`, checked: "KEY: expected (64, 64, 3, 3), got (64, 64, 1, 1)",
// "missing key KEY", "KEY: value 17 is NaN".
const checkpoint::Tensor& expect_tensor(const checkpoint::StateDict& weights,
                                        const std::string& key,
                                        const std::vector<std::int64_t>& shape);

// W / sigma with sigma = dot(u, W·v), W = `prefix.weight_orig` reshaped to (out, rest);
// `shape` is weight_orig's expected shape (out first).
std::vector<float> fold_spectral_norm(const checkpoint::StateDict& weights,
                                      const std::string& prefix,
                                      const std::vector<std::int64_t>& shape);

// The statistics of one batch norm for truncation t, as the published model picks them:
// k, c = modf(t / step) with step = 1 / (n_stats - 1); c == 0 → row k, else
// row k · c + row k+1 · (1 - c) (that weighting, as published). Rows are (n_stats, channels).
struct BatchNormStatistics {
    std::vector<double> mean, var;
};
BatchNormStatistics statistics_for_truncation(const checkpoint::Tensor& running_means,
                                              const checkpoint::Tensor& running_vars,
                                              double truncation);

void check_truncation(double truncation);

}  // namespace bgv::biggan
