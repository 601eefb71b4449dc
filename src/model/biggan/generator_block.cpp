#include "model/biggan/generator_block.h"

#include <utility>

#include "model/biggan/weights.h"
#include "runtime/profile.h"

namespace bgv::biggan {

namespace {
using runtime::ConvEpilogueOps;
using runtime::DataType;
using runtime::FeatureMap;
using runtime::ProfileScope;
}  // namespace

GeneratorBlock::GeneratorBlock(const checkpoint::StateDict& w, const std::string& p,
                               const LayerSpec& spec, const Config& c, ConditionalBatchNorms& norms,
                               DataType compute, int input_size)
    : spec_(spec), compute_(compute) {
    in_ = spec.in_multiplier * c.channel_width;
    out_ = spec.out_multiplier * c.channel_width;
    mid_ = in_ / 4;
    const int bn_channels[4] = {in_, mid_, mid_, mid_};
    const int conv_in[4] = {in_, mid_, mid_, mid_};
    const int conv_out[4] = {mid_, mid_, mid_, out_};
    const int kernel[4] = {1, 3, 3, 1};
    std::optional<runtime::Convolution>* convs[4] = {&conv_0_, &conv_1_, &conv_2_, &conv_3_};
    const std::int64_t size = input_size, out_size = spec.up ? 2 * size : size;
    const runtime::ConvRole roles[4] = {
        {.kernel = 1, .prologue = true, .pixels = size * size},
        {.kernel = 3, .pixels = size * size},
        {.kernel = 3, .pixels = out_size * out_size},
        {.kernel = 1, .residual_pass = spec.up || out_ != in_, .pixels = out_size * out_size}};
    for (int j = 0; j < 4; ++j) {
        bn_[j] = norms.add(w, p + "bn_" + std::to_string(j), bn_channels[j], c);
        const std::string conv = p + "conv_" + std::to_string(j);
        const auto weight =
            fold_spectral_norm(w, conv, {conv_out[j], conv_in[j], kernel[j], kernel[j]});
        const auto& bias = expect_tensor(w, conv + ".bias", {conv_out[j]}).data;
        // conv_3 reads the compute type and writes the float32 residual stream.
        if (j == 1 && spec.up)
            up_conv_1_.emplace(weight, bias, conv_out[j], conv_in[j], size * size, compute);
        else
            convs[j]->emplace(weight, bias, conv_out[j], conv_in[j], roles[j], compute);
    }
}

void GeneratorBlock::run(runtime::Engine& engine, FeatureMap& x, FeatureMap& spare, BlockBuffers& b,
                         const ConditionalBatchNorms& norms, int first,
                         const FinalNorm* final_norm) {
    const std::int64_t n = x.batch(), h = x.height(), w = x.width();
    const std::int64_t h2 = spec_.up ? 2 * h : h, w2 = spec_.up ? 2 * w : w;
    const auto affine = [&](int j) {
        return ConvEpilogueOps{
            .scale = norms.scale(bn_[j], first), .shift = norms.shift(bn_[j], first), .relu = true};
    };
    const double mid2 = static_cast<double>(mid_) * mid_;
    {
        // conv_0(relu(bn_0(x))), then bn_1 + ReLU: (N, H, W, mid), bordered for the 3×3 taps.
        const runtime::ConvPrologue bn_0{norms.scale(bn_[0], first), norms.shift(bn_[0], first),
                                         true};
        b.h1.resize(compute_, n, h, w, mid_,
                    spec_.up ? up_conv_1_->input_border() : conv_1_->input_border());
        ProfileScope profile(engine, "1x1 conv", 2.0 * n * h * w * in_ * mid_);
        conv_0_->run(engine, x, b.h1, affine(1), &bn_0);
    }
    {
        // conv_1 (of the upsampled h1), bn_2 + ReLU: (N, H', W', mid).
        b.h2.resize(compute_, n, h2, w2, mid_, conv_2_->input_border());
        ProfileScope profile(engine, "3x3 conv", 2.0 * n * h2 * w2 * 9 * mid2);
        if (spec_.up)
            up_conv_1_->run(engine, b.h1, b.h2, affine(2));
        else
            conv_1_->run(engine, b.h1, b.h2, affine(2));
    }
    {
        // conv_2, bn_3 + ReLU: (N, H', W', mid).
        b.h3.resize(compute_, n, h2, w2, mid_, 0);
        ProfileScope profile(engine, "3x3 conv", 2.0 * n * h2 * w2 * 9 * mid2);
        conv_2_->run(engine, b.h2, b.h3, affine(3));
    }
    // conv_3 + the skip (x's first `out` channels, upsampled): (N, H', W', out), then the
    // generator's final batch norm and ReLU after the last block.
    ConvEpilogueOps last{.residual = &x, .residual_upsampled = spec_.up};
    if (final_norm != nullptr) {
        last.scale = final_norm->scale;
        last.shift = final_norm->shift;
        last.per_sample = false;
        last.relu = true;
    }
    ProfileScope profile(engine, "1x1 conv", 2.0 * n * h2 * w2 * mid_ * out_);
    if (!spec_.up && out_ == in_) {
        conv_3_->run(engine, b.h3, x, last);  // x += conv_3(h3), in place
    } else {
        spare.resize(DataType::f32, n, h2, w2, out_);
        conv_3_->run(engine, b.h3, spare, last);
        std::swap(x, spare);
    }
}

}  // namespace bgv::biggan
