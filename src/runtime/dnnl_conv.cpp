#include "runtime/dnnl_conv.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "core/assert.h"
#include "runtime/dnnl_engine.h"
#include "runtime/elementwise.h"

namespace bgv::runtime {

namespace {

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

// Below this many pixels a batch with a per-sample affine is convolved whole and the affine
// applied in a pass of its own (the weights, large at these sizes, read once); from it on, one
// sample at a time with the affine as a post-op (no extra pass over a large output).
constexpr std::int64_t kPerSampleMinPixels = 256;

// From this output size on, Winograd takes F(4×4, 3×3) over F(2×2, 3×3).
constexpr std::int64_t kWinograd4x4MinPixels = 16 * 16;

// What a primitive was built for: batch, source height and width (with the border when the
// source brings its own padding), padding, and its post-ops.
using PrimitiveKey = std::tuple<std::int64_t, std::int64_t, std::int64_t, int, bool, bool, bool>;

}  // namespace

struct DnnlConv::State {
    int out_channels = 0, in_channels = 0, kernel = 0, padding = 0;
    DnnlConvAlgorithm algorithm = DnnlConvAlgorithm::direct;
    std::vector<float> weights;  // OIHW until packed
    std::vector<float> bias;
    std::map<PrimitiveKey, CachedPrimitive> primitives;
    std::vector<std::pair<memory::desc, memory>> packed_weights;

    const CachedPrimitive& primitive(EngineImpl& engine, const PrimitiveKey& key) {
        if (auto it = primitives.find(key); it != primitives.end())
            return it->second;
        const auto [n, h, w, pad, sum, affine, relu] = key;
        const std::int64_t out_h = h + 2 * pad - kernel + 1, out_w = w + 2 * pad - kernel + 1;
        const memory::desc src_md({n, in_channels, h, w}, dt::f32, layout());
        const memory::desc dst_md({n, out_channels, out_h, out_w}, dt::f32, layout());
        const memory::desc weights_md({out_channels, in_channels, kernel, kernel}, dt::f32,
                                      tag::any);
        const memory::desc bias_md =
            bias.empty() ? memory::desc() : memory::desc({out_channels}, dt::f32, tag::a);
        const memory::dims strides{1, 1}, pads{pad, pad};
        const auto desc = [&](dnnl::algorithm how) {
            return dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, how, src_md,
                                                   weights_md, bias_md, dst_md, strides, pads,
                                                   pads);
        };
        dnnl::post_ops ops;
        if (sum)
            ops.append_sum(1.0f);
        if (affine) {
            const memory::desc channel_md({1, out_channels, 1, 1}, dt::f32, tag::nchw);
            ops.append_binary(dnnl::algorithm::binary_mul, channel_md);
            ops.append_binary(dnnl::algorithm::binary_add, channel_md);
        }
        if (relu)
            ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
        dnnl::primitive_attr attr;
        attr.set_post_ops(ops);
        attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
        // The iterator behind next_impl() reads the operation's desc: it must outlive pd.
        std::optional<dnnl::convolution_forward::desc> winograd_desc;
        dnnl::convolution_forward::primitive_desc pd;
        if (algorithm == DnnlConvAlgorithm::winograd) {
            winograd_desc = desc(dnnl::algorithm::convolution_winograd);
            // allow_empty: no Winograd kernel for this shape leaves pd empty, not an exception.
            const auto winograd_pd = [&] {
                return dnnl::convolution_forward::primitive_desc(*winograd_desc, attr,
                                                                 engine.engine, true);
            };
            pd = winograd_pd();
            // oneDNN tries F(2×2, 3×3) first and takes it at batch 1 for most shapes; from 16×16
            // on, F(4×4, 3×3) is faster there (bench/README.md, "Winograd"): the next kernel of
            // the list, when it is that one.
            const auto is_4x4 = [&] {
                return std::string(pd.impl_info_str()).find("wino_4x3") != std::string::npos;
            };
            if (pd && out_h * out_w >= kWinograd4x4MinPixels && !is_4x4()) {
                bool found = false;
                while (!found && pd.next_impl())
                    found = is_4x4();
                if (!found)
                    pd = winograd_pd();
            }
        }
        if (!pd)
            pd = dnnl::convolution_forward::primitive_desc(
                desc(dnnl::algorithm::convolution_direct), attr, engine.engine);
        report_implementation(
            engine,
            fmt::format("conv {}x{} {}->{} f32 on {}x{}x{}{}{}{}", kernel, kernel, in_channels,
                        out_channels, n, out_h, out_w, affine ? " +affine" : "", sum ? " +sum" : "",
                        algorithm == DnnlConvAlgorithm::winograd ? " winograd nChw16c" : ""),
            pd.impl_info_str());
        CachedPrimitive cached{dnnl::convolution_forward(pd), pd.weights_desc(),
                               pd.scratchpad_desc()};
        return primitives.emplace(key, std::move(cached)).first->second;
    }

    tag layout() const {
        return algorithm == DnnlConvAlgorithm::winograd ? tag::nChw16c : tag::nhwc;
    }

    const memory& packed(EngineImpl& engine, const memory::desc& desc) {
        for (const auto& [d, m] : packed_weights)
            if (d == desc)
                return m;
        // After the first packing only packed copies are kept: another layout is reordered from
        // the first one, so the plain OIHW copy does not double the weights' memory. Winograd's
        // transformed weights (another transform per kernel: F(2×2, 3×3) at one batch size,
        // F(4×4, 3×3) at another) reorder from OIHW only, which it therefore keeps.
        const bool winograd = algorithm == DnnlConvAlgorithm::winograd;
        memory source;
        if (packed_weights.empty() || winograd) {
            const memory::desc user_md({out_channels, in_channels, kernel, kernel}, dt::f32,
                                       tag::oihw);
            source = memory(user_md, engine.engine, weights.data());
        } else {
            source = packed_weights.front().second;
        }
        memory target(desc, engine.engine);
        dnnl::reorder(source, target).execute(engine.stream, source, target);
        engine.stream.wait();
        packed_weights.emplace_back(desc, target);
        if (!winograd)
            std::vector<float>().swap(weights);
        return packed_weights.back().second;
    }

    void execute(EngineImpl& engine, const PrimitiveKey& key, const void* src, void* dst,
                 const float* scale, const float* shift) {
        const CachedPrimitive& p = primitive(engine, key);
        const auto [n, h, w, pad, sum, affine, relu] = key;
        const std::int64_t out_h = h + 2 * pad - kernel + 1, out_w = w + 2 * pad - kernel + 1;
        std::unordered_map<int, memory> args;
        args[DNNL_ARG_SRC] = memory(memory::desc({n, in_channels, h, w}, dt::f32, layout()),
                                    engine.engine, const_cast<void*>(src));
        args[DNNL_ARG_DST] = memory(
            memory::desc({n, out_channels, out_h, out_w}, dt::f32, layout()), engine.engine, dst);
        args[DNNL_ARG_WEIGHTS] = packed(engine, p.weights_desc);
        if (!bias.empty())
            args[DNNL_ARG_BIAS] =
                memory(memory::desc({out_channels}, dt::f32, tag::a), engine.engine, bias.data());
        if (p.scratch_desc.get_size() > 0)
            args[DNNL_ARG_SCRATCHPAD] =
                memory(p.scratch_desc, engine.engine, engine.scratch(p.scratch_desc.get_size()));
        if (affine) {
            // The binary post-ops' places in the chain: after the sum when there is one.
            const memory::desc channel_md({1, out_channels, 1, 1}, dt::f32, tag::nchw);
            const int first = sum ? 1 : 0;
            args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(first) | DNNL_ARG_SRC_1] =
                memory(channel_md, engine.engine, const_cast<float*>(scale));
            args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(first + 1) | DNNL_ARG_SRC_1] =
                memory(channel_md, engine.engine, const_cast<float*>(shift));
        }
        p.primitive.execute(engine.stream, args);
    }
};

DnnlConv::DnnlConv(std::span<const float> weights, std::span<const float> bias, int out_channels,
                   int in_channels, int kernel, int padding, DnnlConvAlgorithm algorithm)
    : state_(std::make_unique<State>()) {
    if (padding < 0)
        padding = kernel / 2;
    BGV_ASSERT(algorithm == DnnlConvAlgorithm::direct ||
                   (kernel == 3 && padding == 1 && in_channels % 16 == 0 && out_channels % 16 == 0),
               "dnnl conv: Winograd for a {}×{} conv of {}->{} channels, padding {}", kernel,
               kernel, in_channels, out_channels, padding);
    BGV_ASSERT(kernel >= 1 && padding < kernel, "dnnl conv: kernel {} with padding {}", kernel,
               padding);
    BGV_ASSERT(
        weights.size() == static_cast<std::size_t>(out_channels) * in_channels * kernel * kernel,
        "dnnl conv: {} weights given for ({}, {}, {}, {})", weights.size(), out_channels,
        in_channels, kernel, kernel);
    BGV_ASSERT(bias.empty() || bias.size() == static_cast<std::size_t>(out_channels),
               "dnnl conv: {} bias values for {} outputs", bias.size(), out_channels);
    auto& s = *state_;
    s.out_channels = out_channels;
    s.in_channels = in_channels;
    s.kernel = kernel;
    s.padding = padding;
    s.algorithm = algorithm;
    s.weights.assign(weights.begin(), weights.end());
    s.bias.assign(bias.begin(), bias.end());
}

DnnlConv::~DnnlConv() = default;
DnnlConv::DnnlConv(DnnlConv&&) noexcept = default;
DnnlConv& DnnlConv::operator=(DnnlConv&&) noexcept = default;

int DnnlConv::out_channels() const {
    return state_->out_channels;
}
int DnnlConv::in_channels() const {
    return state_->in_channels;
}

void DnnlConv::run(Engine& engine, const FeatureMap& in, FeatureMap& out,
                   const ConvEpilogueOps& e) {
    auto& s = *state_;
    BGV_ASSERT(s.algorithm == DnnlConvAlgorithm::direct, "dnnl conv: Winograd runs on blocks");
    EngineImpl& impl = engine.impl();
    impl.use_on_this_thread();
    const int pad = s.padding, grow = 2 * pad - s.kernel + 1;
    BGV_ASSERT(in.type() == DataType::f32 && in.channels() == s.in_channels &&
                   (in.border() == 0 || in.border() == pad),
               "dnnl conv: input {} for a {}×{} conv of {} float32 channels, padding {}",
               in.shape_string(), s.kernel, s.kernel, s.in_channels, pad);
    BGV_ASSERT(out.type() == DataType::f32 && out.border() == 0 && out.batch() == in.batch() &&
                   out.height() == in.height() + grow && out.width() == in.width() + grow &&
                   out.channels() == s.out_channels,
               "dnnl conv: output {} for input {}", out.shape_string(), in.shape_string());
    BGV_ASSERT(e.residual == nullptr || (e.residual == &out && !e.residual_upsampled),
               "dnnl conv: a residual other than the output itself");
    BGV_ASSERT((e.scale == nullptr) == (e.shift == nullptr),
               "dnnl conv: an affine needs both scale and shift");
    const std::int64_t n = in.batch();
    // A bordered input is read whole, its border the padding.
    const int b = in.border();
    const std::int64_t h = in.height() + 2 * b, w = in.width() + 2 * b;
    const int conv_pad = b > 0 ? 0 : pad;
    const bool sum = e.residual != nullptr, affine = e.scale != nullptr;
    if (!affine || !e.per_sample || n == 1) {
        s.execute(impl, {n, h, w, conv_pad, sum, affine, e.relu}, in.data(), out.data(), e.scale,
                  e.shift);
    } else if (in.height() * in.width() >= kPerSampleMinPixels) {
        for (std::int64_t i = 0; i < n; ++i)
            s.execute(impl, {1, h, w, conv_pad, sum, true, e.relu},
                      in.f32() + i * in.sample_stride(), out.f32() + i * out.sample_stride(),
                      e.scale + i * s.out_channels, e.shift + i * s.out_channels);
    } else {
        s.execute(impl, {n, h, w, conv_pad, sum, false, false}, in.data(), out.data(), nullptr,
                  nullptr);
        channel_affine(out, out, e.scale, e.shift, e.relu);
    }
}

void DnnlConv::run_blocked(Engine& engine, const float* src, float* dst, std::int64_t n,
                           std::int64_t h, std::int64_t w) {
    auto& s = *state_;
    BGV_ASSERT(s.algorithm == DnnlConvAlgorithm::winograd, "dnnl conv: blocks are Winograd's");
    EngineImpl& impl = engine.impl();
    impl.use_on_this_thread();
    s.execute(impl, {n, h, w, s.padding, false, false, false}, src, dst, nullptr, nullptr);
}

}  // namespace bgv::runtime
