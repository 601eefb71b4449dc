#include "model/biggan/config.h"

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "core/error.h"
#include "core/file.h"
#include "core/json.h"

namespace bgv::biggan {

namespace {

// Bounds on config values (published models: sizes 128, 1000 classes, 51 statistics, 13 layers,
// multipliers up to 16). 4096 × 64 stays far below 2^31.
constexpr int kMaxSize = 4096;
constexpr int kMaxClasses = 100'000;
constexpr int kMaxStats = 4096;
constexpr std::size_t kMaxLayers = 64;
constexpr int kMaxMultiplier = 64;

const checkpoint::Tensor& find(const checkpoint::StateDict& weights, const std::string& key) {
    auto it = weights.find(key);
    if (it == weights.end())
        fail("cannot infer the configuration: missing key {}", key);
    return it->second;
}

}  // namespace

Config Config::from_json(const std::filesystem::path& path) {
    const std::string text = read_file_text(path, kMaxJsonFileBytes);
    return with_context(path.string(), [&] { return from_json_text(text); });
}

Config Config::from_json_text(const std::string& text) {
    Config c;
    const nlohmann::json j = parse_json(text);
    if (!j.is_object())
        fail("expected a JSON object of BigGAN settings, got {}", j.type_name());
    // Every size within bounds that no published model comes near and that keep the products
    // of the layer geometry (16 × channel_width, z_dim + class_embed_dim) far from overflow.
    const auto size = [&](const char* key, int fallback, int max) {
        return static_cast<int>(json_integer(j, key, 1, max, fallback));
    };
    c.z_dim = size("z_dim", c.z_dim, kMaxSize);
    c.class_embed_dim = size("class_embed_dim", c.class_embed_dim, kMaxSize);
    c.channel_width = size("channel_width", c.channel_width, kMaxSize);
    c.num_classes = size("num_classes", c.num_classes, kMaxClasses);
    c.eps = json_number(j, "eps", 1e-12, 1.0, c.eps);
    c.n_stats = static_cast<int>(json_integer(j, "n_stats", 2, kMaxStats, c.n_stats));
    c.attention_layer_position = static_cast<int>(
        json_integer(j, "attention_layer_position", -1, static_cast<std::int64_t>(kMaxLayers),
                     c.attention_layer_position));
    c.output_dim = size("output_dim", c.output_dim, kMaxSize);
    if (!j.contains("layers"))
        fail("no \"layers\" list");
    const auto& layers = j.at("layers");
    if (!layers.is_array() || layers.empty() || layers.size() > kMaxLayers)
        fail("layers: expected a list of 1–{} [upsample, in, out] entries, got {}", kMaxLayers,
             layers.type_name());
    for (std::size_t k = 0; k < layers.size(); ++k) {
        const auto& layer = layers[k];
        if (!layer.is_array() || layer.size() != 3 || !layer[0].is_boolean())
            fail("layers[{}]: expected [upsample, in, out] (a boolean and two integers), got {}", k,
                 layer.dump());
        const nlohmann::json multipliers = {{"in", layer[1]}, {"out", layer[2]}};
        const std::string where = fmt::format("layers[{}]", k);
        with_context(where, [&] {
            c.layers.push_back(
                {layer[0].get<bool>(),
                 static_cast<int>(json_integer(multipliers, "in", 1, kMaxMultiplier)),
                 static_cast<int>(json_integer(multipliers, "out", 1, kMaxMultiplier))});
        });
    }
    c.validate();
    return c;
}

Config Config::infer(const checkpoint::StateDict& weights) {
    Config c;
    const auto& rgb = find(weights, "generator.conv_to_rgb.weight_orig");
    if (rgb.shape.size() != 4)
        fail("cannot infer the configuration: generator.conv_to_rgb.weight_orig is not 4-D");
    if (rgb.shape[1] < 1 || rgb.shape[1] > kMaxSize)
        fail(
            "cannot infer the configuration: generator.conv_to_rgb.weight_orig has {} input "
            "channels, expected 1–{}",
            rgb.shape[1], kMaxSize);
    c.channel_width = static_cast<int>(rgb.shape[1]);
    const auto& embed = find(weights, "embeddings.weight");
    c.class_embed_dim = static_cast<int>(embed.shape.at(0));
    c.num_classes = static_cast<int>(embed.shape.at(1));
    const auto& gen_z = find(weights, "generator.gen_z.weight_orig");
    c.z_dim = static_cast<int>(gen_z.shape.at(1)) - c.class_embed_dim;
    c.n_stats = static_cast<int>(find(weights, "generator.bn.running_means").shape.at(0));

    std::set<int> indices;
    const std::regex layer_key(R"(generator\.layers\.(\d+)\..*)");
    for (const auto& [key, tensor] : weights) {
        std::smatch m;
        if (std::regex_match(key, m, layer_key))
            indices.insert(std::stoi(m[1]));
    }
    c.attention_layer_position = -1;
    int block = 0;
    for (int i = 0; indices.count(i) != 0; ++i) {
        const std::string prefix = "generator.layers." + std::to_string(i) + ".";
        if (weights.count(prefix + "gamma") != 0) {
            c.attention_layer_position = i;
            continue;
        }
        const auto in = find(weights, prefix + "bn_0.scale.weight_orig").shape.at(0);
        const auto out = find(weights, prefix + "conv_3.weight_orig").shape.at(0);
        c.layers.push_back({block % 2 == 1, static_cast<int>(in / c.channel_width),
                            static_cast<int>(out / c.channel_width)});
        ++block;
    }
    if (c.attention_layer_position < 0)
        c.attention_layer_position = static_cast<int>(c.layers.size());
    c.output_dim = c.resolution();
    c.validate();
    return c;
}

int Config::resolution() const {
    int r = 4;
    for (const auto& l : layers)
        if (l.up)
            r *= 2;
    return r;
}

bool Config::has_attention() const {
    return attention_layer_position >= 0 &&
           attention_layer_position < static_cast<int>(layers.size());
}

int Config::block_layer_index(int block) const {
    return has_attention() && block >= attention_layer_position ? block + 1 : block;
}

void Config::validate() const {
    if (layers.empty() || layers.size() > kMaxLayers)
        fail("BigGAN config: expected 1–{} layers, got {}", kMaxLayers, layers.size());
    const auto check = [](const char* name, double value, double min, double max) {
        if (!(value >= min && value <= max))
            fail("BigGAN config: {}: expected {}–{}, got {}", name, min, max, value);
    };
    check("z_dim", z_dim, 1, kMaxSize);
    check("class_embed_dim", class_embed_dim, 1, kMaxSize);
    check("channel_width", channel_width, 1, kMaxSize);
    check("num_classes", num_classes, 1, kMaxClasses);
    check("n_stats", n_stats, 2, kMaxStats);
    check("eps", eps, 1e-12, 1.0);
    check("output_dim", output_dim, 1, kMaxSize);
    for (const auto& l : layers) {
        check("a layer's in multiplier", l.in_multiplier, 1, kMaxMultiplier);
        check("a layer's out multiplier", l.out_multiplier, 1, kMaxMultiplier);
    }
    if (layers.front().in_multiplier != 16)
        fail(
            "BigGAN config: the first layer must take 16 × channel_width channels (gen_z's "
            "output)");
    for (std::size_t k = 0; k < layers.size(); ++k) {
        const auto& l = layers[k];
        const int cin = l.in_multiplier * channel_width, cout = l.out_multiplier * channel_width;
        if (cin % 4 != 0 || (cout != cin && 2 * cout != cin))
            fail(
                "BigGAN config: layer {} maps {} to {} channels (output must equal the input or "
                "its half, input divisible by 4)",
                k, cin, cout);
        if (k > 0 && l.in_multiplier != layers[k - 1].out_multiplier)
            fail("BigGAN config: layer {} takes {} × ch but layer {} gives {} × ch", k,
                 l.in_multiplier, k - 1, layers[k - 1].out_multiplier);
    }
    if (layers.back().out_multiplier != 1)
        fail("BigGAN config: the last layer must output channel_width channels");
    if (output_dim != resolution())
        fail("BigGAN config: output_dim {} but the layers make {}×{} images", output_dim,
             resolution(), resolution());
}

}  // namespace bgv::biggan
