#include "model/biggan/generator.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <optional>

#include "core/error.h"
#include "core/log.h"
#include "model/biggan/first_grid.h"
#include "model/biggan/weights.h"
#include "runtime/conv2d.h"
#include "runtime/elementwise.h"
#include "runtime/eltwise.h"
#include "runtime/engine.h"
#include "runtime/matmul.h"
#include "runtime/narrow_conv.h"
#include "runtime/softmax.h"
#include "runtime/tensor.h"
#include "runtime/upsampled_conv.h"

namespace bgv::biggan {

namespace {

using runtime::Activation;
using runtime::Conv2d;
using runtime::ConvEpilogue;
using runtime::Tensor;

std::atomic<std::int64_t> sample_by_sample_min_pixels{128 * 128};

// A class-conditional batch norm: its spectrally normalised scale/offset linears and its raw
// statistics (kept so that another truncation can be folded without reloading).
struct ConditionalBatchNorm {
    int channels = 0;
    std::vector<float> scale_weight, offset_weight;  // (channels, condition_dim)
    checkpoint::Tensor running_means, running_vars;  // (n_stats, channels)
    std::int64_t row = 0;                            // first row in the stacked affine matrix
};

ConditionalBatchNorm load_batch_norm(const checkpoint::StateDict& w, const std::string& prefix,
                                     int channels, const Config& c) {
    ConditionalBatchNorm bn;
    bn.channels = channels;
    const std::vector<std::int64_t> linear{channels, c.condition_dim()};
    bn.scale_weight = fold_spectral_norm(w, prefix + ".scale", linear);
    bn.offset_weight = fold_spectral_norm(w, prefix + ".offset", linear);
    bn.running_means = expect_tensor(w, prefix + ".running_means", {c.n_stats, channels});
    bn.running_vars = expect_tensor(w, prefix + ".running_vars", {c.n_stats, channels});
    return bn;
}

struct Block {
    LayerSpec spec;
    int in = 0, mid = 0, out = 0;
    ConditionalBatchNorm bn[4];
    std::optional<Conv2d> conv[4];                     // conv[1] empty when up
    std::optional<runtime::UpsampledConv3x3> up_conv;  // conv_1 of the upsampled input
};

struct Attention {
    int channels = 0;
    std::vector<float> qkv_weight;  // (C/8 theta | C/8 phi | C/2 g, C)
    std::vector<float> out_weight;  // gamma · o_conv, (C, C/2)
};

}  // namespace

struct Generator::Impl {
    Config config;
    double truncation = 1.0;
    Grid grid;  // the first grid's cells: 4x4 unless widened (set_grid)
    runtime::Engine engine;
    std::vector<float> embedding;  // (class_embed_dim, num_classes)
    std::vector<float> gen_z_weight, gen_z_bias;
    std::vector<Block> blocks;
    std::optional<Attention> attention;
    checkpoint::Tensor final_means, final_vars;
    std::vector<float> final_weight, final_bias;
    std::optional<runtime::NarrowConv3x3> to_rgb;

    // Folded for the current truncation: all conditional affines as one linear map of the
    // condition vector; rows [row, row+N) give the scale, [row+N, row+2N) the shift.
    std::int64_t affine_rows = 0;
    std::vector<float> affine_weight, affine_bias;
    std::vector<float> final_scale, final_shift;  // per channel

    // Work buffers, kept between calls (capacity only grows).
    Tensor cond, affine_rows_out, affines, x, head, skip, t0, h1, h2, h3, qkv, pooled, attn,
        attended, final_affine;

    explicit Impl(int threads) : engine(threads) {}

    std::vector<ConditionalBatchNorm*> batch_norms() {
        std::vector<ConditionalBatchNorm*> all;
        for (auto& b : blocks)
            for (auto& bn : b.bn)
                all.push_back(&bn);
        return all;
    }

    void fold_truncation(double t) {
        check_truncation(t);
        truncation = t;
        const int cd = config.condition_dim();
        affine_rows = 0;
        for (auto* bn : batch_norms()) {
            bn->row = affine_rows;
            affine_rows += 2 * bn->channels;
        }
        affine_weight.assign(static_cast<std::size_t>(affine_rows) * cd, 0.0f);
        affine_bias.assign(static_cast<std::size_t>(affine_rows), 0.0f);
        for (auto* bn : batch_norms()) {
            const auto stats = statistics_for_truncation(bn->running_means, bn->running_vars, t);
            const int n = bn->channels;
            for (int ch = 0; ch < n; ++ch) {
                // a = (1 + s)/sqrt(var + eps), b = o - mean·a with s, o linear in the condition.
                const double inv_std = 1.0 / std::sqrt(stats.var[ch] + config.eps);
                const double mean_inv = stats.mean[ch] * inv_std;
                float* a_row = &affine_weight[(bn->row + ch) * cd];
                float* b_row = &affine_weight[(bn->row + n + ch) * cd];
                for (int k = 0; k < cd; ++k) {
                    const double s = bn->scale_weight[static_cast<std::size_t>(ch) * cd + k];
                    const double o = bn->offset_weight[static_cast<std::size_t>(ch) * cd + k];
                    a_row[k] = static_cast<float>(s * inv_std);
                    b_row[k] = static_cast<float>(o - s * mean_inv);
                }
                affine_bias[bn->row + ch] = static_cast<float>(inv_std);
                affine_bias[bn->row + n + ch] = static_cast<float>(-mean_inv);
            }
        }
        const auto stats = statistics_for_truncation(final_means, final_vars, t);
        const int ch = config.channel_width;
        final_scale.resize(ch);
        final_shift.resize(ch);
        for (int i = 0; i < ch; ++i) {
            const double a = final_weight[i] / std::sqrt(stats.var[i] + config.eps);
            final_scale[i] = static_cast<float>(a);
            final_shift[i] = static_cast<float>(final_bias[i] - stats.mean[i] * a);
        }
    }

    // Which samples a pass works on: `count` of the `total` in the batch, from `first`.
    struct Samples {
        int total = 1;
        int first = 0;
    };

    // Per-(sample, channel) scale and shift of one batch norm inside `affines`.
    const float* scale_of(const ConditionalBatchNorm& bn, Samples s) const {
        return affines.data() + bn.row * s.total + static_cast<std::int64_t>(s.first) * bn.channels;
    }
    const float* shift_of(const ConditionalBatchNorm& bn, Samples s) const {
        return affines.data() + bn.row * s.total +
               static_cast<std::int64_t>(s.total + s.first) * bn.channels;
    }

    void compute_affines(int batch) {
        const int cd = config.condition_dim();
        affine_rows_out.resize({batch, affine_rows});
        runtime::linear(engine, cond.data(), affine_weight.data(), affine_bias.data(),
                        affine_rows_out.data(), batch, cd, affine_rows);
        // Regroup (sample, row) → per batch norm: scale (batch, N) then shift (batch, N).
        affines.resize({affine_rows * batch});
        for (auto* bn : batch_norms()) {
            const int n = bn->channels;
            for (int i = 0; i < batch; ++i)
                for (int part = 0; part < 2; ++part)
                    std::copy_n(affine_rows_out.data() + i * affine_rows + bn->row + part * n, n,
                                affines.data() + bn->row * batch +
                                    (static_cast<std::int64_t>(part) * batch + i) * n);
        }
        final_affine.resize({2, batch, config.channel_width});
        for (int i = 0; i < batch; ++i) {
            std::copy(final_scale.begin(), final_scale.end(),
                      final_affine.data() + i * config.channel_width);
            std::copy(final_shift.begin(), final_shift.end(),
                      final_affine.data() + (batch + i) * config.channel_width);
        }
    }

    void run_block(Block& b, Samples batch, bool last) {
        // x: (B, H, W, in) → (B, H', W', out), the block's output replacing x.
        channel_affine(x, t0, scale_of(b.bn[0], batch), shift_of(b.bn[0], batch),
                       Activation::relu);  // (B, H, W, in)
        b.conv[0]->run(t0, h1,
                       {.scale = scale_of(b.bn[1], batch),
                        .shift = shift_of(b.bn[1], batch),
                        .activation = Activation::relu});  // (B, H, W, mid)
        if (b.spec.up)
            b.up_conv->run(h1, h2, scale_of(b.bn[2], batch), shift_of(b.bn[2], batch),
                           Activation::relu);  // conv_1(upsample(h1)): (B, 2H, 2W, mid)
        else
            b.conv[1]->run(h1, h2,
                           {.scale = scale_of(b.bn[2], batch),
                            .shift = shift_of(b.bn[2], batch),
                            .activation = Activation::relu});  // (B, H, W, mid)
        b.conv[2]->run(h2, h3,
                       {.scale = scale_of(b.bn[3], batch),
                        .shift = shift_of(b.bn[3], batch),
                        .activation = Activation::relu});  // (B, H', W', mid)
        ConvEpilogue residual{.accumulate = true};
        if (last) {
            // The generator's final batch norm and ReLU, fused after the residual add.
            residual.scale = final_affine.data() + static_cast<std::int64_t>(batch.first) * b.out;
            residual.shift =
                final_affine.data() + static_cast<std::int64_t>(batch.total + batch.first) * b.out;
            residual.activation = Activation::relu;
        }
        Tensor* target = &x;
        if (b.spec.up || b.out != b.in) {
            if (b.spec.up)
                runtime::upsample_nearest2x(x, skip, b.out);  // (B, H', W', out)
            else
                runtime::copy_channels(x, skip, b.out);  // (B, H, W, out)
            target = &skip;
        }
        b.conv[3]->run(h3, *target, residual);  // += conv_3(h3)
        if (target != &x)
            std::swap(x, skip);
    }

    // First block run sample by sample: blocks whose input has at least 128×128 pixels, after
    // the attention layer; none for a batch of one.
    std::size_t tail_start(int batch) const {
        if (batch == 1)
            return blocks.size();
        std::size_t tail = blocks.size();
        std::int64_t rows = grid.rows, cols = grid.cols;
        for (std::size_t k = 0; k < blocks.size(); ++k) {
            const bool after_attention =
                !attention || static_cast<int>(k) > config.attention_layer_position;
            if (rows * cols >= sample_by_sample_min_pixels && after_attention &&
                tail == blocks.size())
                tail = k;
            if (blocks[k].spec.up) {
                rows *= 2;
                cols *= 2;
            }
        }
        return tail;
    }

    void run_attention(const Attention& a, int batch) {
        const std::int64_t h = x.dim(1), w = x.dim(2), c = a.channels, n = h * w;
        const std::int64_t width = c / 8 + c / 8 + c / 2;  // theta | phi | g
        qkv.resize({batch, h, w, width});
        runtime::linear(engine, x.data(), a.qkv_weight.data(), nullptr, qkv.data(), batch * n, c,
                        width);            // (B, n, 3C/4)
        runtime::maxpool2x2(qkv, pooled);  // (B, n/4, 3C/4)
        const std::int64_t m = n / 4;
        attn.resize({batch, n, m});
        runtime::matmul(engine, qkv.data(), pooled.data() + c / 8, attn.data(),
                        {.batch = batch,
                         .m = n,
                         .k = c / 8,
                         .n = m,
                         .transpose_b = true,
                         .lda = width,
                         .ldb = width,
                         .batch_stride_a = n * width,
                         .batch_stride_b = m * width});  // thetaᵀ·phi (B, n, n/4)
        runtime::softmax_rows(engine, attn.data(), batch * n, m);
        attended.resize({batch, n, c / 2});
        runtime::matmul(engine, attn.data(), pooled.data() + c / 4, attended.data(),
                        {.batch = batch,
                         .m = n,
                         .k = m,
                         .n = c / 2,
                         .ldb = width,
                         .batch_stride_b = m * width});  // (B, n, C/2)
        runtime::matmul(engine, attended.data(), a.out_weight.data(), x.data(),
                        {.m = batch * n, .k = c / 2, .n = c, .transpose_b = true},
                        {.accumulate = true});  // x += γ·o_conv
    }

    void forward(std::span<const float> z, std::span<const float> y, int batch,
                 std::span<float> out) {
        const Config& c = config;
        const int h = grid.height(c.resolution()), w = grid.width(c.resolution());
        if (batch <= 0)
            fail("generate: batch must be positive, got {}", batch);
        if (z.size() != static_cast<std::size_t>(batch) * c.z_dim)
            fail("generate: {} noise values for a batch of {} × {}", z.size(), batch, c.z_dim);
        if (y.size() != static_cast<std::size_t>(batch) * c.num_classes)
            fail("generate: {} class values for a batch of {} × {}", y.size(), batch,
                 c.num_classes);
        if (out.size() != static_cast<std::size_t>(batch) * 3 * h * w)
            fail("generate: output holds {} values, a batch of {} × 3 × {} × {} needs {}",
                 out.size(), batch, h, w, static_cast<std::size_t>(batch) * 3 * h * w);
        engine.use_on_this_thread();  // also for the runtime's own loops between oneDNN calls
        const int cd = c.condition_dim();
        cond.resize({batch, cd});
        for (int i = 0; i < batch; ++i)
            std::copy_n(z.data() + static_cast<std::size_t>(i) * c.z_dim, c.z_dim,
                        cond.data() + i * cd);
        runtime::matmul(engine, y.data(), embedding.data(), cond.data() + c.z_dim,
                        {.m = batch,
                         .k = c.num_classes,
                         .n = c.class_embed_dim,
                         .transpose_b = true,
                         .ldc = cd});  // (B, 128) embed
        compute_affines(batch);
        const int width = 16 * c.channel_width;
        x.resize({batch, 4, 4, width});  // TF order = NHWC
        runtime::linear(engine, cond.data(), gen_z_weight.data(), gen_z_bias.data(), x.data(),
                        batch, cd, 16 * width);
        if (!grid.square())  // (B, rows, cols, 16ch)
            widen_first_grid(engine, grid, {gen_z_weight.data(), gen_z_bias.data(), c.z_dim, cd},
                             cond.data(), batch, x);
        // The last, largest blocks run one sample at a time when the batch is larger: their
        // activations (up to 128 MB per sample at 512 px) then exist for one sample only.
        const std::size_t tail = tail_start(batch);
        for (std::size_t k = 0; k < tail; ++k) {
            if (attention && static_cast<int>(k) == c.attention_layer_position)
                run_attention(*attention, batch);
            run_block(blocks[k], {batch, 0}, k + 1 == blocks.size());
        }
        const std::size_t image = static_cast<std::size_t>(3) * h * w;
        if (tail == blocks.size()) {
            to_rgb->run(x, out);  // (B, 3, H, W)
            runtime::apply_activation(engine, out, Activation::tanh);
            return;
        }
        std::swap(x, head);  // (B, H, W, C) entering the tail
        const std::int64_t sample = head.size() / batch;
        for (int i = 0; i < batch; ++i) {
            x.resize({1, head.dim(1), head.dim(2), head.dim(3)});
            std::copy_n(head.data() + i * sample, sample, x.data());
            for (std::size_t k = tail; k < blocks.size(); ++k)
                run_block(blocks[k], {batch, i}, k + 1 == blocks.size());
            to_rgb->run(x, out.subspan(i * image, image));  // (1, 3, H, W)
        }
        runtime::apply_activation(engine, out, Activation::tanh);
    }
};

Generator::Generator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Generator::Generator(Generator&&) noexcept = default;
Generator& Generator::operator=(Generator&&) noexcept = default;
Generator::~Generator() = default;

const Config& Generator::config() const {
    return impl_->config;
}
int Generator::resolution() const {
    return impl_->config.resolution();
}
double Generator::truncation() const {
    return impl_->truncation;
}
void Generator::set_truncation(double truncation) {
    impl_->fold_truncation(truncation);
}
void Generator::set_grid(const Grid& grid) {
    noise_windows(grid);  // checks the grid's size
    impl_->grid = grid;
}
const Grid& Generator::grid() const {
    return impl_->grid;
}
int Generator::height() const {
    return impl_->grid.height(resolution());
}
int Generator::width() const {
    return impl_->grid.width(resolution());
}

void Generator::set_sample_by_sample_min_pixels(std::int64_t pixels) {
    sample_by_sample_min_pixels = pixels;
}

void Generator::generate(std::span<const float> z, std::span<const float> y, int batch,
                         std::span<float> out) {
    impl_->forward(z, y, batch, out);
}

Generator Generator::from_state_dict(const checkpoint::StateDict& w, const Config& c,
                                     double truncation, int threads) {
    check_truncation(truncation);
    c.validate();
    auto impl = std::make_unique<Impl>(threads);
    impl->config = c;
    auto& e = impl->engine;
    const int ch = c.channel_width, cd = c.condition_dim();
    impl->embedding =
        expect_tensor(w, "embeddings.weight", {c.class_embed_dim, c.num_classes}).data;
    impl->gen_z_weight = fold_spectral_norm(w, "generator.gen_z", {16 * 16 * ch, cd});
    impl->gen_z_bias = expect_tensor(w, "generator.gen_z.bias", {16 * 16 * ch}).data;
    for (std::size_t k = 0; k < c.layers.size(); ++k) {
        const auto& spec = c.layers[k];
        if (c.has_attention() && static_cast<int>(k) == c.attention_layer_position) {
            const int ca = spec.in_multiplier * ch;
            if (ca % 8 != 0)
                fail("attention over {} channels: not divisible by 8", ca);
            const std::string p = "generator.layers." + std::to_string(k) + ".";
            Attention a;
            a.channels = ca;
            const auto theta = fold_spectral_norm(w, p + "snconv1x1_theta", {ca / 8, ca, 1, 1});
            const auto phi = fold_spectral_norm(w, p + "snconv1x1_phi", {ca / 8, ca, 1, 1});
            const auto g = fold_spectral_norm(w, p + "snconv1x1_g", {ca / 2, ca, 1, 1});
            a.qkv_weight = theta;
            a.qkv_weight.insert(a.qkv_weight.end(), phi.begin(), phi.end());
            a.qkv_weight.insert(a.qkv_weight.end(), g.begin(), g.end());
            a.out_weight = fold_spectral_norm(w, p + "snconv1x1_o_conv", {ca, ca / 2, 1, 1});
            const float gamma = expect_tensor(w, p + "gamma", {1}).data[0];
            for (auto& v : a.out_weight)
                v *= gamma;
            impl->attention = std::move(a);
        }
        const std::string p =
            "generator.layers." + std::to_string(c.block_layer_index(static_cast<int>(k))) + ".";
        Block b;
        b.spec = spec;
        b.in = spec.in_multiplier * ch;
        b.out = spec.out_multiplier * ch;
        b.mid = b.in / 4;
        const int bn_channels[4] = {b.in, b.mid, b.mid, b.mid};
        const int conv_in[4] = {b.in, b.mid, b.mid, b.mid};
        const int conv_out[4] = {b.mid, b.mid, b.mid, b.out};
        const int kernel[4] = {1, 3, 3, 1};
        for (int j = 0; j < 4; ++j) {
            const std::string bn = p + "bn_" + std::to_string(j);
            b.bn[j] = load_batch_norm(w, bn, bn_channels[j], c);
            const std::string conv = p + "conv_" + std::to_string(j);
            const auto weight =
                fold_spectral_norm(w, conv, {conv_out[j], conv_in[j], kernel[j], kernel[j]});
            const auto& bias = expect_tensor(w, conv + ".bias", {conv_out[j]}).data;
            if (j == 1 && spec.up)
                b.up_conv.emplace(e, weight, bias, conv_out[j], conv_in[j]);
            else
                b.conv[j].emplace(e, weight, bias, conv_out[j], conv_in[j], kernel[j],
                                  kernel[j] / 2);
        }
        impl->blocks.push_back(std::move(b));
    }
    impl->final_means = expect_tensor(w, "generator.bn.running_means", {c.n_stats, ch});
    impl->final_vars = expect_tensor(w, "generator.bn.running_vars", {c.n_stats, ch});
    impl->final_weight = expect_tensor(w, "generator.bn.weight", {ch}).data;
    impl->final_bias = expect_tensor(w, "generator.bn.bias", {ch}).data;
    const auto rgb_weight = fold_spectral_norm(w, "generator.conv_to_rgb", {ch, ch, 3, 3});
    const auto& rgb_bias = expect_tensor(w, "generator.conv_to_rgb.bias", {ch}).data;
    // Only output channels 0..2 are used: the first 3·ch·9 weights (OIHW) and 3 biases.
    impl->to_rgb.emplace(std::span(rgb_weight).first(3 * ch * 9), std::span(rgb_bias).first(3), 3,
                         ch);
    impl->fold_truncation(truncation);
    return Generator(std::move(impl));
}

void to_rgb8(std::span<const float> chw, int resolution, std::span<std::uint8_t> rgb) {
    to_rgb8(chw, resolution, resolution, rgb);
}

void to_rgb8(std::span<const float> chw, int width, int height, std::span<std::uint8_t> rgb) {
    const std::size_t plane = static_cast<std::size_t>(width) * height;
    if (chw.size() != 3 * plane || rgb.size() != 3 * plane)
        fail("to_rgb8: {} values and {} bytes for a {}×{} image", chw.size(), rgb.size(), width,
             height);
    for (std::size_t p = 0; p < plane; ++p)
        for (std::size_t k = 0; k < 3; ++k) {
            const double v = (static_cast<double>(chw[k * plane + p]) + 1.0) / 2.0 * 256.0;
            rgb[p * 3 + k] = static_cast<std::uint8_t>(std::floor(std::clamp(v, 0.0, 255.0)));
        }
}

}  // namespace bgv::biggan
