#include "model/biggan/config.h"

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "core/error.h"
#include "core/file.h"

namespace bgv::biggan {

namespace {

const checkpoint::Tensor& find(const checkpoint::StateDict& weights, const std::string& key) {
    auto it = weights.find(key);
    if (it == weights.end())
        fail("cannot infer the configuration: missing key {}", key);
    return it->second;
}

}  // namespace

Config Config::from_json(const std::filesystem::path& path) {
    return with_context(path.string(), [&] { return from_json_text(read_file_text(path)); });
}

Config Config::from_json_text(const std::string& text) {
    Config c;
    try {
        const auto j = nlohmann::json::parse(text);
        c.z_dim = j.value("z_dim", c.z_dim);
        c.class_embed_dim = j.value("class_embed_dim", c.class_embed_dim);
        c.channel_width = j.value("channel_width", c.channel_width);
        c.num_classes = j.value("num_classes", c.num_classes);
        c.eps = j.value("eps", c.eps);
        c.n_stats = j.value("n_stats", c.n_stats);
        c.attention_layer_position =
            j.value("attention_layer_position", c.attention_layer_position);
        c.output_dim = j.value("output_dim", c.output_dim);
        if (!j.contains("layers"))
            fail("no \"layers\" list");
        for (const auto& layer : j.at("layers")) {
            if (!layer.is_array() || layer.size() != 3)
                fail("each entry of \"layers\" must be [upsample, in, out]");
            c.layers.push_back({layer[0].get<bool>(), layer[1].get<int>(), layer[2].get<int>()});
        }
    } catch (const nlohmann::json::exception& e) {
        fail("bad BigGAN config: {}", e.what());
    }
    c.validate();
    return c;
}

Config Config::infer(const checkpoint::StateDict& weights) {
    Config c;
    const auto& rgb = find(weights, "generator.conv_to_rgb.weight_orig");
    if (rgb.shape.size() != 4)
        fail("cannot infer the configuration: generator.conv_to_rgb.weight_orig is not 4-D");
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
    if (layers.empty())
        fail("BigGAN config has no layers");
    if (z_dim <= 0 || class_embed_dim <= 0 || channel_width <= 0 || num_classes <= 0 ||
        n_stats < 2 || !(eps > 0))
        fail(
            "BigGAN config has a non-positive size (z_dim {}, class_embed_dim {}, channel_width "
            "{}, num_classes {}, n_stats {}, eps {})",
            z_dim, class_embed_dim, channel_width, num_classes, n_stats, eps);
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
