#include "model/biggan/weights.h"

#include <cmath>

#include "core/error.h"
#include "core/npy.h"

namespace bgv::biggan {

const checkpoint::Tensor& expect_tensor(const checkpoint::StateDict& weights,
                                        const std::string& key,
                                        const std::vector<std::int64_t>& shape) {
    auto it = weights.find(key);
    if (it == weights.end())
        fail("missing key {}", key);
    const auto& t = it->second;
    if (t.shape != shape)
        fail("{}: expected {}, got {}", key, shape_string(shape), shape_string(t.shape));
    std::int64_t count = 1;
    for (auto d : shape)
        count *= d;
    if (static_cast<std::int64_t>(t.data.size()) != count)
        fail("{}: shape {} but {} values", key, shape_string(shape), t.data.size());
    for (std::size_t i = 0; i < t.data.size(); ++i)
        if (!std::isfinite(t.data[i]))
            fail("{}: value {} is {}", key, i, std::isnan(t.data[i]) ? "NaN" : "infinite");
    return t;
}

std::vector<float> fold_spectral_norm(const checkpoint::StateDict& weights,
                                      const std::string& prefix,
                                      const std::vector<std::int64_t>& shape) {
    const auto& w = expect_tensor(weights, prefix + ".weight_orig", shape);
    const std::int64_t out = shape[0];
    const std::int64_t rest = static_cast<std::int64_t>(w.data.size()) / out;
    const auto& u = expect_tensor(weights, prefix + ".weight_u", {out});
    const auto& v = expect_tensor(weights, prefix + ".weight_v", {rest});
    double sigma = 0.0;
    for (std::int64_t o = 0; o < out; ++o) {
        double wv = 0.0;
        for (std::int64_t i = 0; i < rest; ++i)
            wv += static_cast<double>(w.data[o * rest + i]) * v.data[i];
        sigma += u.data[o] * wv;
    }
    if (!(std::abs(sigma) > 0.0) || !std::isfinite(sigma))
        fail("{}: spectral norm sigma is {}", prefix, sigma);
    std::vector<float> folded(w.data.size());
    for (std::size_t i = 0; i < folded.size(); ++i)
        folded[i] = static_cast<float>(w.data[i] / sigma);
    return folded;
}

void check_truncation(double truncation) {
    if (!(truncation > 0.0 && truncation <= 1.0))
        fail("truncation must be in (0, 1], got {}", truncation);
}

BatchNormStatistics statistics_for_truncation(const checkpoint::Tensor& running_means,
                                              const checkpoint::Tensor& running_vars,
                                              double truncation) {
    check_truncation(truncation);
    const std::int64_t n_stats = running_means.shape.at(0);
    const std::int64_t channels = running_means.shape.at(1);
    const double step = 1.0 / static_cast<double>(n_stats - 1);
    double whole = 0.0;
    const double c = std::modf(truncation / step, &whole);
    const auto k = static_cast<std::int64_t>(whole);
    BatchNormStatistics s{std::vector<double>(channels), std::vector<double>(channels)};
    const bool blend = c != 0.0 && k + 1 < n_stats;
    for (std::int64_t i = 0; i < channels; ++i) {
        const double m0 = running_means.data[k * channels + i];
        const double v0 = running_vars.data[k * channels + i];
        if (!blend) {
            s.mean[i] = m0;
            s.var[i] = v0;
        } else {
            s.mean[i] = m0 * c + running_means.data[(k + 1) * channels + i] * (1.0 - c);
            s.var[i] = v0 * c + running_vars.data[(k + 1) * channels + i] * (1.0 - c);
        }
    }
    return s;
}

}  // namespace bgv::biggan
