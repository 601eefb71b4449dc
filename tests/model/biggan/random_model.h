// A BigGAN-deep state dict with random weights for any configuration, built in memory, so that
// the generator's folding and strict loading can be tested without files.
#pragma once

#include <cmath>
#include <random>
#include <string>

#include "checkpoint/checkpoint.h"
#include "model/biggan/config.h"

namespace bgv::test {

class RandomModel {
  public:
    explicit RandomModel(unsigned seed) : rng_(seed) {}

    checkpoint::StateDict make(const biggan::Config& c) {
        checkpoint::StateDict w;
        const int ch = c.channel_width, cd = c.condition_dim();
        put(w, "embeddings.weight", {c.class_embed_dim, c.num_classes}, 0.1);
        spectral(w, "generator.gen_z", {16 * 16 * ch, cd});
        put(w, "generator.gen_z.bias", {16 * 16 * ch}, 0.1);
        for (std::size_t k = 0; k < c.layers.size(); ++k) {
            const int in = c.layers[k].in_multiplier * ch, out = c.layers[k].out_multiplier * ch;
            if (c.has_attention() && static_cast<int>(k) == c.attention_layer_position) {
                const std::string p = "generator.layers." + std::to_string(k) + ".";
                spectral(w, p + "snconv1x1_theta", {in / 8, in, 1, 1});
                spectral(w, p + "snconv1x1_phi", {in / 8, in, 1, 1});
                spectral(w, p + "snconv1x1_g", {in / 2, in, 1, 1});
                spectral(w, p + "snconv1x1_o_conv", {in, in / 2, 1, 1});
                put(w, p + "gamma", {1}, 0.0, 0.7);
            }
            const std::string p = "generator.layers." +
                                  std::to_string(c.block_layer_index(static_cast<int>(k))) + ".";
            const int mid = in / 4;
            const int bn[4] = {in, mid, mid, mid};
            const int co[4] = {mid, mid, mid, out}, ci[4] = {in, mid, mid, mid},
                      ks[4] = {1, 3, 3, 1};
            for (int j = 0; j < 4; ++j) {
                batch_norm(w, p + "bn_" + std::to_string(j), bn[j], c);
                const std::string conv = p + "conv_" + std::to_string(j);
                spectral(w, conv, {co[j], ci[j], ks[j], ks[j]});
                put(w, conv + ".bias", {co[j]}, 0.1);
            }
        }
        statistics(w, "generator.bn", ch, c.n_stats);
        put(w, "generator.bn.weight", {ch}, 0.2, 1.0);
        put(w, "generator.bn.bias", {ch}, 0.2);
        spectral(w, "generator.conv_to_rgb", {ch, ch, 3, 3});
        put(w, "generator.conv_to_rgb.bias", {ch}, 0.1);
        return w;
    }

  private:
    std::mt19937 rng_;

    double normal() { return std::normal_distribution<double>(0.0, 1.0)(rng_); }

    void put(checkpoint::StateDict& w, const std::string& key, std::vector<std::int64_t> shape,
             double spread, double centre = 0.0) {
        checkpoint::Tensor t;
        std::int64_t n = 1;
        for (auto d : shape)
            n *= d;
        t.shape = std::move(shape);
        for (std::int64_t i = 0; i < n; ++i)
            t.data.push_back(static_cast<float>(centre + spread * normal()));
        w[key] = std::move(t);
    }

    // weight_orig with u ≈ W·v/|W·v| as power iteration leaves them, so sigma ≈ |W·v| > 0.
    void spectral(checkpoint::StateDict& w, const std::string& prefix,
                  std::vector<std::int64_t> shape) {
        const std::int64_t out = shape[0];
        put(w, prefix + ".weight_orig", shape, 1.0);
        const auto& wt = w[prefix + ".weight_orig"].data;
        const std::int64_t rest = static_cast<std::int64_t>(wt.size()) / out;
        put(w, prefix + ".weight_v", {rest}, 1.0 / std::sqrt(static_cast<double>(rest)));
        const auto& v = w[prefix + ".weight_v"].data;
        std::vector<double> wv(out);
        double norm = 0.0;
        for (std::int64_t o = 0; o < out; ++o) {
            for (std::int64_t i = 0; i < rest; ++i)
                wv[o] += static_cast<double>(wt[o * rest + i]) * v[i];
            norm += wv[o] * wv[o];
        }
        checkpoint::Tensor u{{out}, {}};
        for (auto x : wv)
            u.data.push_back(static_cast<float>(x / std::sqrt(norm)));
        w[prefix + ".weight_u"] = std::move(u);
    }

    void statistics(checkpoint::StateDict& w, const std::string& prefix, int channels,
                    int n_stats) {
        put(w, prefix + ".running_means", {n_stats, channels}, 0.3);
        put(w, prefix + ".running_vars", {n_stats, channels}, 0.0, 1.0);
        for (auto& v : w[prefix + ".running_vars"].data)
            v = static_cast<float>(0.5 + std::uniform_real_distribution<double>(0.0, 1.0)(rng_));
    }

    void batch_norm(checkpoint::StateDict& w, const std::string& prefix, int channels,
                    const biggan::Config& c) {
        statistics(w, prefix, channels, c.n_stats);
        spectral(w, prefix + ".scale", {channels, c.condition_dim()});
        spectral(w, prefix + ".offset", {channels, c.condition_dim()});
    }
};

// Four blocks up to 32×32 with attention at 16×16 (16 channels), channel width 4, small vectors.
inline biggan::Config small_config() {
    biggan::Config c;
    c.z_dim = 8;
    c.class_embed_dim = 8;
    c.num_classes = 10;
    c.channel_width = 4;
    c.attention_layer_position = 3;
    c.layers = {{false, 16, 16}, {true, 16, 8}, {true, 8, 4}, {false, 4, 2}, {true, 2, 1}};
    c.output_dim = 32;
    return c;
}

}  // namespace bgv::test
