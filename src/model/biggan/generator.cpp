#include "model/biggan/generator.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <optional>

#include "core/error.h"
#include "core/log.h"
#include "model/biggan/attention_layer.h"
#include "model/biggan/batch_norms.h"
#include "model/biggan/first_grid.h"
#include "model/biggan/generator_block.h"
#include "model/biggan/weights.h"
#include "runtime/conv_kernel.h"
#include "runtime/cpu_isa.h"
#include "runtime/eltwise.h"
#include "runtime/engine.h"
#include "runtime/feature_map.h"
#include "runtime/matmul.h"
#include "runtime/narrow_conv.h"
#include "runtime/profile.h"
#include "runtime/tensor.h"

namespace bgv::biggan {

namespace {

using runtime::Activation;
using runtime::DataType;
using runtime::FeatureMap;
using runtime::ProfileScope;

std::atomic<std::int64_t> sample_by_sample_min_pixels{128 * 128};

// bf16 where the CPU computes it and every convolution's input count pairs up; else fp32.
Precision effective_precision(Precision requested, const Config& c) {
    if (requested == Precision::fp32)
        return Precision::fp32;
    if (precision_on_this_cpu(requested) == Precision::fp32) {
        static std::atomic<bool> said{false};  // once a process (a render loads one per piece)
        if (!said.exchange(true))
            log::warn(
                "bf16 needs a CPU with avx512_bf16 or AMX; this one runs {} kernels: generating "
                "in fp32",
                runtime::cpu_isa_name(runtime::cpu_isa()));
        return Precision::fp32;
    }
    for (const auto& l : c.layers)
        if ((l.in_multiplier * c.channel_width / 4) % 2 != 0) {
            log::warn("bf16 needs even channel counts (this model has {}): generating in fp32",
                      l.in_multiplier * c.channel_width / 4);
            return Precision::fp32;
        }
    return Precision::bf16;
}

}  // namespace

struct Generator::Impl {
    Config config;
    double truncation = 1.0;
    Precision precision = Precision::fp32;
    Grid grid;  // the first grid's cells: 4x4 unless widened (set_grid)
    runtime::Engine engine;
    std::vector<float> embedding;  // (class_embed_dim, num_classes)
    std::vector<float> gen_z_weight, gen_z_bias;
    std::vector<std::uint16_t> gen_z_weight_bf16;  // bf16: gen_z's product reads these
    ConditionalBatchNorms norms;
    std::vector<GeneratorBlock> blocks;
    std::optional<AttentionLayer> attention;
    checkpoint::Tensor final_means, final_vars;
    std::vector<float> final_weight, final_bias;
    std::vector<float> final_scale, final_shift;  // per channel, for the current truncation
    std::optional<runtime::NarrowConv3x3> to_rgb;

    // Work buffers, kept between calls (capacity only grows).
    runtime::Tensor cond;
    runtime::Tensor first_grid;  // gen_z's cells before a widened grid is laid out
    FeatureMap x, spare, head;
    BlockBuffers work;

    explicit Impl(int threads) : engine(threads) {}

    void fold_truncation(double t) {
        check_truncation(t);
        truncation = t;
        norms.fold(t, config.eps, precision == Precision::bf16);
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

    void run_block(std::size_t k, int first_sample) {
        const FinalNorm final_norm{final_scale.data(), final_shift.data()};
        blocks[k].run(engine, x, spare, work, norms, first_sample,
                      k + 1 == blocks.size() ? &final_norm : nullptr);
    }

    // First block run sample by sample: blocks whose input has at least the set number of
    // pixels, after the attention layer; none for a batch of one.
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
            if (blocks[k].spec().up) {
                rows *= 2;
                cols *= 2;
            }
        }
        return tail;
    }

    // gen_z: (B, condition) → (B, 16·16·ch), NHWC on the 4×4 grid.
    void gen_z(int batch, float* out) {
        const int cd = config.condition_dim(), n = 16 * 16 * config.channel_width;
        if (gen_z_weight_bf16.empty())
            runtime::linear(engine, cond.data(), gen_z_weight.data(), gen_z_bias.data(), out, batch,
                            cd, n);
        else
            runtime::linear(engine, cond.data(), gen_z_weight_bf16.data(), gen_z_bias.data(), out,
                            batch, cd, n);
    }

    // to_rgb (3 of its channels) and tanh: (B, 3, H, W) float32.
    void finish(std::span<float> out) {
        ProfileScope profile(engine, "to_rgb",
                             2.0 * x.batch() * x.height() * x.width() * 9 * x.channels() * 3);
        to_rgb->run(engine, x, out);
        runtime::apply_activation(engine, out, Activation::tanh);
    }

    // False when given up (`abandon` true before a block, the attention layer or to_rgb).
    bool forward(std::span<const float> z, std::span<const float> y, int batch,
                 std::span<float> out, const std::atomic<bool>* abandon) {
        const auto given_up = [&] { return abandon && abandon->load(std::memory_order_relaxed); };
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
        const int cd = c.condition_dim(), width = 16 * c.channel_width;
        {
            ProfileScope profile(
                engine, "linear",
                2.0 * batch *
                    (c.num_classes * c.class_embed_dim + static_cast<double>(cd) * 16 * width));
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
            norms.compute(engine, cond.data(), batch);
            if (grid.square()) {
                x.resize(DataType::f32, batch, 4, 4, width);  // gen_z's output is NHWC
                gen_z(batch, x.f32());
            } else {
                first_grid.resize({batch, 4, 4, width});
                gen_z(batch, first_grid.data());
                widen_first_grid(engine, grid,
                                 {gen_z_weight.data(), gen_z_bias.data(), c.z_dim, cd}, cond.data(),
                                 batch, first_grid);  // (B, rows, cols, 16ch)
                x.resize(DataType::f32, batch, grid.rows, grid.cols, width);
                std::copy_n(first_grid.data(), first_grid.size(), x.f32());
            }
        }
        // The last, largest blocks run one sample at a time when the batch is larger: their
        // activations (up to 128 MB per sample at 512 px) then exist for one sample only.
        const std::size_t tail = tail_start(batch);
        for (std::size_t k = 0; k < tail; ++k) {
            if (given_up())
                return false;
            if (attention && static_cast<int>(k) == c.attention_layer_position)
                attention->run(engine, x);
            if (given_up())
                return false;
            run_block(k, 0);
        }
        if (given_up())
            return false;
        if (tail == blocks.size()) {
            finish(out);
            return true;
        }
        std::swap(x, head);  // (B, H, W, C) entering the tail
        const std::size_t image = static_cast<std::size_t>(3) * h * w;
        const std::int64_t sample = head.sample_stride();
        for (int i = 0; i < batch; ++i) {
            x.resize(DataType::f32, 1, head.height(), head.width(), head.channels());
            std::copy_n(head.f32() + i * sample, sample, x.f32());
            for (std::size_t k = tail; k < blocks.size(); ++k) {
                if (given_up())
                    return false;
                run_block(k, i);
            }
            if (given_up())
                return false;
            finish(out.subspan(i * image, image));  // (1, 3, H, W)
        }
        return true;
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
Precision Generator::precision() const {
    return impl_->precision;
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

void Generator::attach_profile(runtime::Profile* profile) {
    impl_->engine.attach_profile(profile);
}

const std::map<std::string, std::string>& Generator::implementations() const {
    return impl_->engine.implementations();
}

void Generator::generate(std::span<const float> z, std::span<const float> y, int batch,
                         std::span<float> out) {
    impl_->forward(z, y, batch, out, nullptr);
}

bool Generator::generate_unless(std::span<const float> z, std::span<const float> y, int batch,
                                std::span<float> out, const std::atomic<bool>& abandon) {
    return impl_->forward(z, y, batch, out, &abandon);
}

Generator Generator::from_state_dict(const checkpoint::StateDict& w, const Config& c,
                                     double truncation, int threads, Precision precision) {
    check_truncation(truncation);
    c.validate();
    auto impl = std::make_unique<Impl>(threads);
    impl->config = c;
    impl->precision = effective_precision(precision, c);
    const DataType compute = impl->precision == Precision::bf16 ? DataType::bf16 : DataType::f32;
    const int ch = c.channel_width, cd = c.condition_dim();
    impl->embedding =
        expect_tensor(w, "embeddings.weight", {c.class_embed_dim, c.num_classes}).data;
    impl->gen_z_weight = fold_spectral_norm(w, "generator.gen_z", {16 * 16 * ch, cd});
    impl->gen_z_bias = expect_tensor(w, "generator.gen_z.bias", {16 * 16 * ch}).data;
    if (impl->precision == Precision::bf16) {
        impl->gen_z_weight_bf16.resize(impl->gen_z_weight.size());
        std::transform(impl->gen_z_weight.begin(), impl->gen_z_weight.end(),
                       impl->gen_z_weight_bf16.begin(), runtime::to_bf16);
    }
    int size = 4;  // each block's input height and width on the 4×4 first grid
    for (std::size_t k = 0; k < c.layers.size(); ++k) {
        const auto& spec = c.layers[k];
        if (c.has_attention() && static_cast<int>(k) == c.attention_layer_position)
            impl->attention.emplace(w, "generator.layers." + std::to_string(k) + ".",
                                    spec.in_multiplier * ch, compute, size);
        const std::string p =
            "generator.layers." + std::to_string(c.block_layer_index(static_cast<int>(k))) + ".";
        impl->blocks.emplace_back(w, p, spec, c, impl->norms, compute, size);
        if (spec.up)
            size *= 2;
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
    log::debug("BigGAN-deep {} px: {} on {} kernels", c.resolution(),
               precision_name(impl->precision), runtime::cpu_isa_name(runtime::cpu_isa()));
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
