#include "unfolded_reference.h"

#include <cmath>

#include "core/error.h"
#include "model/biggan/weights.h"

namespace bgv::test {

using namespace bgv::biggan;

namespace {

using Values = std::vector<double>;

struct Activations {
    int batch = 0, channels = 0, height = 0, width = 0;
    Values v;  // NCHW
    double& at(int n, int c, int y, int x) {
        return v[((static_cast<std::size_t>(n) * channels + c) * height + y) * width + x];
    }
};

Activations make(int batch, int channels, int height, int width) {
    return {batch, channels, height, width,
            Values(static_cast<std::size_t>(batch) * channels * height * width, 0.0)};
}

// Spectral norm evaluated on every call, as a layer without folding would.
Values spectral_weight(const checkpoint::StateDict& w, const std::string& prefix,
                       const std::vector<std::int64_t>& shape) {
    const auto folded = fold_spectral_norm(w, prefix, shape);
    return Values(folded.begin(), folded.end());
}

// (B, in) · Wᵀ (out, in) + bias.
Values linear(const Values& x, int batch, int in, const Values& weight, int out,
              const std::vector<float>* bias) {
    Values y(static_cast<std::size_t>(batch) * out);
    for (int b = 0; b < batch; ++b)
        for (int o = 0; o < out; ++o) {
            double acc = bias ? (*bias)[o] : 0.0;
            for (int i = 0; i < in; ++i)
                acc += x[static_cast<std::size_t>(b) * in + i] *
                       weight[static_cast<std::size_t>(o) * in + i];
            y[static_cast<std::size_t>(b) * out + o] = acc;
        }
    return y;
}

Activations conv(const Activations& x, const Values& weight, const std::vector<float>* bias,
                 int out_channels, int kernel) {
    Activations y = make(x.batch, out_channels, x.height, x.width);
    const int pad = kernel / 2;
    for (int n = 0; n < x.batch; ++n)
        for (int o = 0; o < out_channels; ++o)
            for (int py = 0; py < x.height; ++py)
                for (int px = 0; px < x.width; ++px) {
                    double acc = bias ? (*bias)[o] : 0.0;
                    for (int c = 0; c < x.channels; ++c)
                        for (int ky = 0; ky < kernel; ++ky)
                            for (int kx = 0; kx < kernel; ++kx) {
                                const int sy = py + ky - pad, sx = px + kx - pad;
                                if (sy < 0 || sy >= x.height || sx < 0 || sx >= x.width)
                                    continue;
                                acc +=
                                    x.v[((static_cast<std::size_t>(n) * x.channels + c) * x.height +
                                         sy) *
                                            x.width +
                                        sx] *
                                    weight[((static_cast<std::size_t>(o) * x.channels + c) *
                                                kernel +
                                            ky) *
                                               kernel +
                                           kx];
                            }
                    y.at(n, o, py, px) = acc;
                }
    return y;
}

void relu(Activations& x) {
    for (auto& v : x.v)
        v = std::max(v, 0.0);
}

Activations upsample(const Activations& x) {
    Activations y = make(x.batch, x.channels, 2 * x.height, 2 * x.width);
    for (int n = 0; n < x.batch; ++n)
        for (int c = 0; c < x.channels; ++c)
            for (int py = 0; py < y.height; ++py)
                for (int px = 0; px < y.width; ++px)
                    y.at(n, c, py, px) =
                        x.v[((static_cast<std::size_t>(n) * x.channels + c) * x.height + py / 2) *
                                x.width +
                            px / 2];
    return y;
}

void conditional_batch_norm(Activations& x, const checkpoint::StateDict& w,
                            const std::string& prefix, const Config& config, double truncation,
                            const Values& cond) {
    const int n_ch = x.channels, cd = config.condition_dim();
    const auto& means = expect_tensor(w, prefix + ".running_means", {config.n_stats, n_ch});
    const auto& vars = expect_tensor(w, prefix + ".running_vars", {config.n_stats, n_ch});
    const auto stats = statistics_for_truncation(means, vars, truncation);
    const Values scale =
        linear(cond, x.batch, cd, spectral_weight(w, prefix + ".scale", {n_ch, cd}), n_ch, nullptr);
    const Values offset = linear(cond, x.batch, cd,
                                 spectral_weight(w, prefix + ".offset", {n_ch, cd}), n_ch, nullptr);
    for (int n = 0; n < x.batch; ++n)
        for (int c = 0; c < n_ch; ++c)
            for (int p = 0; p < x.height * x.width; ++p) {
                double& v = x.at(n, c, p / x.width, p % x.width);
                v = (v - stats.mean[c]) / std::sqrt(stats.var[c] + config.eps) *
                        (1.0 + scale[static_cast<std::size_t>(n) * n_ch + c]) +
                    offset[static_cast<std::size_t>(n) * n_ch + c];
            }
}

Activations block(const Activations& x, const checkpoint::StateDict& w, const std::string& p,
                  const LayerSpec& spec, const Config& config, double truncation,
                  const Values& cond) {
    const int in = x.channels, mid = in / 4, out = spec.out_multiplier * config.channel_width;
    auto conv_layer = [&](const Activations& a, int j, int co, int k) {
        const std::string name = p + "conv_" + std::to_string(j);
        return conv(a, spectral_weight(w, name, {co, a.channels, k, k}),
                    &expect_tensor(w, name + ".bias", {co}).data, co, k);
    };
    Activations h = x;
    conditional_batch_norm(h, w, p + "bn_0", config, truncation, cond);
    relu(h);
    h = conv_layer(h, 0, mid, 1);
    conditional_batch_norm(h, w, p + "bn_1", config, truncation, cond);
    relu(h);
    if (spec.up)
        h = upsample(h);
    h = conv_layer(h, 1, mid, 3);
    conditional_batch_norm(h, w, p + "bn_2", config, truncation, cond);
    relu(h);
    h = conv_layer(h, 2, mid, 3);
    conditional_batch_norm(h, w, p + "bn_3", config, truncation, cond);
    relu(h);
    h = conv_layer(h, 3, out, 1);
    Activations skip = x;
    if (out != in) {
        skip = make(x.batch, out, x.height, x.width);
        for (int n = 0; n < x.batch; ++n)
            for (int c = 0; c < out; ++c)
                for (int q = 0; q < x.height * x.width; ++q)
                    skip.at(n, c, q / x.width, q % x.width) =
                        x.v[((static_cast<std::size_t>(n) * in + c) * x.height * x.width) + q];
    }
    if (spec.up)
        skip = upsample(skip);
    for (std::size_t i = 0; i < h.v.size(); ++i)
        h.v[i] += skip.v[i];
    return h;
}

Activations maxpool(const Activations& x) {
    Activations y = make(x.batch, x.channels, x.height / 2, x.width / 2);
    for (int n = 0; n < x.batch; ++n)
        for (int c = 0; c < x.channels; ++c)
            for (int py = 0; py < y.height; ++py)
                for (int px = 0; px < y.width; ++px) {
                    Activations& s = const_cast<Activations&>(x);
                    y.at(n, c, py, px) = std::max(
                        std::max(s.at(n, c, 2 * py, 2 * px), s.at(n, c, 2 * py, 2 * px + 1)),
                        std::max(s.at(n, c, 2 * py + 1, 2 * px),
                                 s.at(n, c, 2 * py + 1, 2 * px + 1)));
                }
    return y;
}

Activations attention(const Activations& x, const checkpoint::StateDict& w, const std::string& p) {
    const int c = x.channels, n = x.height * x.width, m = n / 4;
    const Activations theta =
        conv(x, spectral_weight(w, p + "snconv1x1_theta", {c / 8, c, 1, 1}), nullptr, c / 8, 1);
    const Activations phi = maxpool(
        conv(x, spectral_weight(w, p + "snconv1x1_phi", {c / 8, c, 1, 1}), nullptr, c / 8, 1));
    const Activations g = maxpool(
        conv(x, spectral_weight(w, p + "snconv1x1_g", {c / 2, c, 1, 1}), nullptr, c / 2, 1));
    Activations attended = make(x.batch, c / 2, x.height, x.width);
    Values row(m);
    for (int b = 0; b < x.batch; ++b)
        for (int i = 0; i < n; ++i) {
            double peak = -1e300;
            for (int j = 0; j < m; ++j) {
                double acc = 0.0;
                for (int k = 0; k < c / 8; ++k)
                    acc += theta.v[(static_cast<std::size_t>(b) * (c / 8) + k) * n + i] *
                           phi.v[(static_cast<std::size_t>(b) * (c / 8) + k) * m + j];
                row[j] = acc;
                peak = std::max(peak, acc);
            }
            double total = 0.0;
            for (auto& r : row)
                total += (r = std::exp(r - peak));
            for (int k = 0; k < c / 2; ++k) {
                double acc = 0.0;
                for (int j = 0; j < m; ++j)
                    acc += g.v[(static_cast<std::size_t>(b) * (c / 2) + k) * m + j] * row[j];
                attended.v[(static_cast<std::size_t>(b) * (c / 2) + k) * n + i] = acc / total;
            }
        }
    const Activations o =
        conv(attended, spectral_weight(w, p + "snconv1x1_o_conv", {c, c / 2, 1, 1}), nullptr, c, 1);
    const double gamma = expect_tensor(w, p + "gamma", {1}).data[0];
    Activations out = x;
    for (std::size_t i = 0; i < out.v.size(); ++i)
        out.v[i] += gamma * o.v[i];
    return out;
}

}  // namespace

void generate_unfolded(const checkpoint::StateDict& w, const Config& config, double truncation,
                       std::span<const float> z, std::span<const float> y, int batch,
                       std::span<float> out) {
    check_truncation(truncation);
    config.validate();
    const int cd = config.condition_dim(), ch = config.channel_width, r = config.resolution();
    if (z.size() != static_cast<std::size_t>(batch) * config.z_dim ||
        y.size() != static_cast<std::size_t>(batch) * config.num_classes ||
        out.size() != static_cast<std::size_t>(batch) * 3 * r * r)
        fail("generate_unfolded: sizes do not match a batch of {}", batch);
    const auto& embed =
        expect_tensor(w, "embeddings.weight", {config.class_embed_dim, config.num_classes});
    Values cond(static_cast<std::size_t>(batch) * cd);
    for (int b = 0; b < batch; ++b) {
        for (int i = 0; i < config.z_dim; ++i)
            cond[static_cast<std::size_t>(b) * cd + i] =
                z[static_cast<std::size_t>(b) * config.z_dim + i];
        for (int e = 0; e < config.class_embed_dim; ++e) {
            double acc = 0.0;
            for (int k = 0; k < config.num_classes; ++k)
                acc +=
                    static_cast<double>(y[static_cast<std::size_t>(b) * config.num_classes + k]) *
                    embed.data[static_cast<std::size_t>(e) * config.num_classes + k];
            cond[static_cast<std::size_t>(b) * cd + config.z_dim + e] = acc;
        }
    }
    const Values gz =
        linear(cond, batch, cd, spectral_weight(w, "generator.gen_z", {16 * 16 * ch, cd}),
               16 * 16 * ch, &expect_tensor(w, "generator.gen_z.bias", {16 * 16 * ch}).data);
    Activations x = make(batch, 16 * ch, 4, 4);
    for (int b = 0; b < batch;
         ++b)  // gen_z's output is (4, 4, 16·ch) in (height, width, channel) order
        for (int py = 0; py < 4; ++py)
            for (int px = 0; px < 4; ++px)
                for (int c = 0; c < 16 * ch; ++c)
                    x.at(b, c, py, px) = gz[static_cast<std::size_t>(b) * 16 * 16 * ch +
                                            (py * 4 + px) * 16 * ch + c];
    for (std::size_t k = 0; k < config.layers.size(); ++k) {
        if (config.has_attention() && static_cast<int>(k) == config.attention_layer_position)
            x = attention(x, w, "generator.layers." + std::to_string(k) + ".");
        const std::string p = "generator.layers." +
                              std::to_string(config.block_layer_index(static_cast<int>(k))) + ".";
        x = block(x, w, p, config.layers[k], config, truncation, cond);
    }
    const auto stats = statistics_for_truncation(
        expect_tensor(w, "generator.bn.running_means", {config.n_stats, ch}),
        expect_tensor(w, "generator.bn.running_vars", {config.n_stats, ch}), truncation);
    const auto& gamma = expect_tensor(w, "generator.bn.weight", {ch}).data;
    const auto& beta = expect_tensor(w, "generator.bn.bias", {ch}).data;
    for (int b = 0; b < batch; ++b)
        for (int c = 0; c < ch; ++c)
            for (int q = 0; q < r * r; ++q) {
                double& v = x.at(b, c, q / r, q % r);
                v = std::max(0.0,
                             (v - stats.mean[c]) / std::sqrt(stats.var[c] + config.eps) * gamma[c] +
                                 beta[c]);
            }
    const Activations rgb = conv(x, spectral_weight(w, "generator.conv_to_rgb", {ch, ch, 3, 3}),
                                 &expect_tensor(w, "generator.conv_to_rgb.bias", {ch}).data, ch, 3);
    for (int b = 0; b < batch; ++b)
        for (int c = 0; c < 3; ++c)
            for (int q = 0; q < r * r; ++q)
                out[(static_cast<std::size_t>(b) * 3 + c) * r * r + q] = static_cast<float>(
                    std::tanh(rgb.v[((static_cast<std::size_t>(b) * ch + c) * r * r) + q]));
}

}  // namespace bgv::test
