#include "seeded_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/assert.h"
#include "core/file.h"

namespace bgv::test {

namespace {

constexpr std::uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ULL;

std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::uint64_t fnv1a64(const std::string& text) {
    std::uint64_t h = 0xCBF29CE484222325ULL;
    for (const char c : text)
        h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
    return h;
}

std::int64_t element_count(const std::vector<std::int64_t>& shape) {
    std::int64_t n = 1;
    for (const auto d : shape)
        n *= d;
    return n;
}

// Odd integers 2m + 1 - 2^bits from each word's top `bits` bits, times 2^(exponent - bits).
checkpoint::Tensor uniform(std::uint64_t seed, const std::string& name,
                           const std::vector<std::int64_t>& shape, int bits, int exponent) {
    checkpoint::Tensor t{shape, std::vector<float>(static_cast<std::size_t>(element_count(shape)))};
    const std::uint64_t base = mix(seed ^ fnv1a64(name));
    const auto half = static_cast<std::int64_t>(1) << bits;
    for (std::size_t i = 0; i < t.data.size(); ++i) {
        const auto m = static_cast<std::int64_t>(mix(base + (i + 1) * kGoldenGamma) >> (64 - bits));
        t.data[i] =
            static_cast<float>(std::ldexp(static_cast<double>(2 * m + 1 - half), exponent - bits));
    }
    return t;
}

checkpoint::Tensor constant(const std::vector<std::int64_t>& shape, float value) {
    return {shape, std::vector<float>(static_cast<std::size_t>(element_count(shape)), value)};
}

// u ∝ W·v: exact in double (integers below 2^53), scaled by 2^-(e >> 1) with e the exponent of
// |W·v|² as frexp gives it.
checkpoint::Tensor power_step(const checkpoint::Tensor& w, const checkpoint::Tensor& v) {
    const std::int64_t out = w.shape[0];
    const auto rest = static_cast<std::int64_t>(v.data.size());
    std::vector<double> wv(static_cast<std::size_t>(out));
    double norm2 = 0.0;
    for (std::int64_t o = 0; o < out; ++o) {
        double sum = 0.0;
        for (std::int64_t i = 0; i < rest; ++i)
            sum += static_cast<double>(w.data[o * rest + i]) * v.data[i];
        wv[o] = sum;
        norm2 += sum * sum;
    }
    int e = 0;
    std::frexp(norm2, &e);
    checkpoint::Tensor u{{out}, std::vector<float>(wv.size())};
    for (std::size_t o = 0; o < wv.size(); ++o)
        u.data[o] = static_cast<float>(std::ldexp(wv[o], -(e >> 1)));
    return u;
}

}  // namespace

bool is_batch_norm_statistic(const std::string& name) {
    return name.ends_with(".running_means") || name.ends_with(".running_vars");
}

std::vector<std::pair<std::string, std::vector<std::int64_t>>> biggan_parameter_shapes(
    const biggan::Config& c) {
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> shapes;
    const std::int64_t cd = c.condition_dim(), ch = c.channel_width, ns = c.n_stats;
    const auto spectral = [&](const std::string& prefix, std::int64_t out,
                              std::vector<std::int64_t> in, bool bias) {
        if (bias)
            shapes.push_back({prefix + ".bias", {out}});
        std::vector<std::int64_t> shape{out};
        shape.insert(shape.end(), in.begin(), in.end());
        shapes.push_back({prefix + ".weight_orig", shape});
        shapes.push_back({prefix + ".weight_u", {out}});
        shapes.push_back({prefix + ".weight_v", {element_count(in)}});
    };
    const auto batch_norm = [&](const std::string& prefix, std::int64_t n) {
        shapes.push_back({prefix + ".running_means", {ns, n}});
        shapes.push_back({prefix + ".running_vars", {ns, n}});
        spectral(prefix + ".scale", n, {cd}, false);
        spectral(prefix + ".offset", n, {cd}, false);
    };
    shapes.push_back({"embeddings.weight", {c.class_embed_dim, c.num_classes}});
    spectral("generator.gen_z", 16 * 16 * ch, {cd}, true);
    for (std::size_t k = 0; k < c.layers.size(); ++k) {
        const std::int64_t in = c.layers[k].in_multiplier * ch,
                           out = c.layers[k].out_multiplier * ch;
        if (c.has_attention() && static_cast<int>(k) == c.attention_layer_position) {
            const std::string p = "generator.layers." + std::to_string(k);
            shapes.push_back({p + ".gamma", {1}});
            spectral(p + ".snconv1x1_theta", in / 8, {in, 1, 1}, false);
            spectral(p + ".snconv1x1_phi", in / 8, {in, 1, 1}, false);
            spectral(p + ".snconv1x1_g", in / 2, {in, 1, 1}, false);
            spectral(p + ".snconv1x1_o_conv", in, {in / 2, 1, 1}, false);
        }
        const std::string p =
            "generator.layers." + std::to_string(c.block_layer_index(static_cast<int>(k)));
        const std::int64_t mid = in / 4;
        batch_norm(p + ".bn_0", in);
        spectral(p + ".conv_0", mid, {in, 1, 1}, true);
        batch_norm(p + ".bn_1", mid);
        spectral(p + ".conv_1", mid, {mid, 3, 3}, true);
        batch_norm(p + ".bn_2", mid);
        spectral(p + ".conv_2", mid, {mid, 3, 3}, true);
        batch_norm(p + ".bn_3", mid);
        spectral(p + ".conv_3", out, {mid, 1, 1}, true);
    }
    shapes.push_back({"generator.bn.weight", {ch}});
    shapes.push_back({"generator.bn.bias", {ch}});
    shapes.push_back({"generator.bn.running_means", {ns, ch}});
    shapes.push_back({"generator.bn.running_vars", {ns, ch}});
    spectral("generator.conv_to_rgb", ch, {ch, 3, 3}, true);
    return shapes;
}

checkpoint::StateDict seeded_biggan_weights(const biggan::Config& config, std::uint64_t seed) {
    checkpoint::StateDict w;
    const auto shapes = biggan_parameter_shapes(config);
    for (const auto& [name, shape] : shapes) {
        if (is_batch_norm_statistic(name) || name.ends_with(".weight_u"))
            continue;
        if (name.ends_with(".weight_orig") || name == "embeddings.weight")
            w[name] = uniform(seed, name, shape, 23, 0);
        else if (name.ends_with(".weight_v"))
            w[name] = uniform(seed, name, shape, 8, 0);
        else if (name == "generator.bn.weight")
            w[name] = constant(shape, 1.0f);
        else if (name == "generator.bn.bias")
            w[name] = constant(shape, 0.0f);
        else if (name.ends_with(".bias"))
            w[name] = uniform(seed, name, shape, 23, -3);
        else if (name.ends_with(".gamma"))
            w[name] = constant(shape, 0.5f);
        else
            BGV_ASSERT(false, "no recipe for {}", name);
    }
    for (const auto& [name, shape] : shapes)
        if (name.ends_with(".weight_u")) {
            const std::string prefix =
                name.substr(0, name.size() - std::string(".weight_u").size());
            w[name] = power_step(w.at(prefix + ".weight_orig"), w.at(prefix + ".weight_v"));
        }
    return w;
}

std::uint64_t weights_checksum(const checkpoint::StateDict& weights) {
    std::uint64_t h = 0;
    for (const auto& [name, tensor] : weights) {  // std::map: sorted by bytes, as Python's sorted()
        if (is_batch_norm_statistic(name))
            continue;
        std::uint64_t total = 0;
        for (std::size_t i = 0; i < tensor.data.size(); ++i) {
            std::uint32_t bits = 0;
            std::memcpy(&bits, &tensor.data[i], sizeof bits);
            total += bits * (2 * static_cast<std::uint64_t>(i) + 1);
        }
        h = mix(h ^ fnv1a64(name));
        h = mix(h ^ total);
    }
    return h;
}

void apply_calibration(checkpoint::StateDict& weights, const checkpoint::StateDict& calibration,
                       std::int64_t first_row, int n_stats) {
    for (const auto& [name, tensor] : calibration) {
        if (!is_batch_norm_statistic(name)) {
            weights[name] = tensor;
            continue;
        }
        BGV_ASSERT(tensor.shape.size() == 2, "{}: calibrated rows must be 2-D", name);
        const std::int64_t rows = tensor.shape[0], channels = tensor.shape[1];
        checkpoint::Tensor table{{n_stats, channels}, {}};
        table.data.reserve(static_cast<std::size_t>(n_stats * channels));
        for (std::int64_t k = 0; k < n_stats; ++k) {
            const std::int64_t row = std::clamp<std::int64_t>(k - first_row, 0, rows - 1);
            table.data.insert(table.data.end(), tensor.data.begin() + row * channels,
                              tensor.data.begin() + (row + 1) * channels);
        }
        weights[name] = std::move(table);
    }
}

std::filesystem::path fullsize_data(int resolution) {
    return std::filesystem::path(BGV_TEST_DATA) / "model/biggan/data/fullsize" /
           std::to_string(resolution);
}

FullsizeModel fullsize_model(int resolution) {
    const auto dir = fullsize_data(resolution);
    const auto info = nlohmann::json::parse(read_file_text(dir / "golden.json"));
    FullsizeModel model;
    model.config = biggan::Config::from_json(dir / "config.json");
    model.weights = seeded_biggan_weights(model.config, info.at("seed").get<std::uint64_t>());
    model.checksum = fmt::format("{:016x}", weights_checksum(model.weights));
    apply_calibration(model.weights, checkpoint::load_state_dict(dir / "calibration.safetensors"),
                      info.at("calibrated_first_row").get<int>(), model.config.n_stats);
    return model;
}

void write_model_folder(const FullsizeModel& model, const std::filesystem::path& folder) {
    std::filesystem::create_directories(folder);
    std::filesystem::copy_file(fullsize_data(model.config.resolution()) / "config.json",
                               folder / "config.json",
                               std::filesystem::copy_options::overwrite_existing);
    nlohmann::json header = nlohmann::json::object();
    std::size_t offset = 0;
    for (const auto& [name, tensor] : model.weights) {
        const std::size_t bytes = tensor.data.size() * sizeof(float);
        header[name] = {
            {"dtype", "F32"}, {"shape", tensor.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    std::ofstream out(folder / "model.safetensors", std::ios::binary);
    const std::uint64_t size = text.size();  // little-endian on every machine this runs on
    out.write(reinterpret_cast<const char*>(&size), sizeof size);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& [name, tensor] : model.weights)
        out.write(reinterpret_cast<const char*>(tensor.data.data()),
                  static_cast<std::streamsize>(tensor.data.size() * sizeof(float)));
    BGV_ASSERT(out.good(), "cannot write {}", (folder / "model.safetensors").string());
}

}  // namespace bgv::test
