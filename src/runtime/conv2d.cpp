#include "runtime/conv2d.h"

#include <fmt/format.h>

#include <atomic>
#include <map>
#include <tuple>
#include <vector>

#include "core/assert.h"
#include "core/error.h"
#include "core/npy.h"
#include "runtime/dnnl_engine.h"
#include "runtime/elementwise.h"

namespace bgv::runtime {

namespace {

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

std::atomic<std::int64_t> per_sample_min_pixels{256};

// What a primitive was built for: batch and spatial size and which post-ops it carries.
using PrimitiveKey = std::tuple<std::int64_t, std::int64_t, std::int64_t, bool, bool, int>;

}  // namespace

struct Conv2d::State {
    EngineImpl* engine = nullptr;
    int out_channels = 0, in_channels = 0, kernel = 0, padding = 0;
    std::vector<float> weights;  // OIHW
    std::vector<float> bias;
    memory bias_memory;
    std::map<PrimitiveKey, CachedPrimitive> primitives;
    std::vector<std::pair<memory::desc, memory>> packed_weights;

    std::int64_t out_size(std::int64_t size) const { return size + 2 * padding - kernel + 1; }

    const CachedPrimitive& primitive(std::int64_t n, std::int64_t h, std::int64_t w,
                                     bool accumulate, bool affine, Activation activation) {
        const PrimitiveKey key{n, h, w, accumulate, affine, static_cast<int>(activation)};
        if (auto it = primitives.find(key); it != primitives.end())
            return it->second;
        const memory::desc src_md({n, in_channels, h, w}, dt::f32, tag::nhwc);
        const memory::desc dst_md({n, out_channels, out_size(h), out_size(w)}, dt::f32, tag::nhwc);
        const memory::desc weights_md({out_channels, in_channels, kernel, kernel}, dt::f32,
                                      tag::any);
        const memory::desc bias_md =
            bias.empty() ? memory::desc() : memory::desc({out_channels}, dt::f32, tag::a);
        const memory::dims strides{1, 1}, pad{padding, padding};
        auto desc =
            bias.empty()
                ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                  dnnl::algorithm::convolution_direct, src_md,
                                                  weights_md, dst_md, strides, pad, pad)
                : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                  dnnl::algorithm::convolution_direct, src_md,
                                                  weights_md, bias_md, dst_md, strides, pad, pad);
        dnnl::post_ops ops;
        if (accumulate)
            ops.append_sum(1.0f);
        if (affine) {
            const memory::desc channel_md({1, out_channels, 1, 1}, dt::f32, tag::nchw);
            ops.append_binary(dnnl::algorithm::binary_mul, channel_md);
            ops.append_binary(dnnl::algorithm::binary_add, channel_md);
        }
        if (activation != Activation::none)
            ops.append_eltwise(1.0f, eltwise_algorithm(activation), 0.0f, 0.0f);
        dnnl::primitive_attr attr;
        attr.set_post_ops(ops);
        attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
        dnnl::convolution_forward::primitive_desc pd(desc, attr, engine->engine);
        report_implementation(
            fmt::format("conv {}x{} {}->{} on {}x{}x{}{}{}", kernel, kernel, in_channels,
                        out_channels, n, h, w, affine ? " +affine" : "", accumulate ? " +sum" : ""),
            pd.impl_info_str());
        CachedPrimitive cached{dnnl::convolution_forward(pd), pd.weights_desc(),
                               pd.scratchpad_desc()};
        return primitives.emplace(key, std::move(cached)).first->second;
    }

    const memory& packed(const memory::desc& desc) {
        for (const auto& [d, m] : packed_weights)
            if (d == desc)
                return m;
        // After the first packing only packed copies are kept: another layout is reordered from
        // the first one, so the plain OIHW copy does not double the weights' memory.
        memory source;
        if (packed_weights.empty()) {
            const memory::desc user_md({out_channels, in_channels, kernel, kernel}, dt::f32,
                                       tag::oihw);
            source = memory(user_md, engine->engine, weights.data());
        } else {
            source = packed_weights.front().second;
        }
        memory target(desc, engine->engine);
        dnnl::reorder(source, target).execute(engine->stream, source, target);
        engine->stream.wait();
        packed_weights.emplace_back(desc, target);
        std::vector<float>().swap(weights);
        return packed_weights.back().second;
    }

    void execute(const CachedPrimitive& p, const float* src, std::int64_t n, std::int64_t h,
                 std::int64_t w, float* dst, bool accumulate, const float* scale,
                 const float* shift) {
        const memory::desc src_md({n, in_channels, h, w}, dt::f32, tag::nhwc);
        const memory::desc dst_md({n, out_channels, out_size(h), out_size(w)}, dt::f32, tag::nhwc);
        std::unordered_map<int, memory> args;
        args[DNNL_ARG_SRC] = memory(src_md, engine->engine, const_cast<float*>(src));
        args[DNNL_ARG_DST] = memory(dst_md, engine->engine, dst);
        args[DNNL_ARG_WEIGHTS] = packed(p.weights_desc);
        if (!bias.empty())
            args[DNNL_ARG_BIAS] = bias_memory;
        if (p.scratch_desc.get_size() > 0)
            args[DNNL_ARG_SCRATCHPAD] =
                memory(p.scratch_desc, engine->engine, engine->scratch(p.scratch_desc.get_size()));
        if (scale != nullptr) {
            // Index of the binary post-ops in the chain: after the sum when there is one.
            const memory::desc channel_md({1, out_channels, 1, 1}, dt::f32, tag::nchw);
            const int first = accumulate ? 1 : 0;
            args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(first) | DNNL_ARG_SRC_1] =
                memory(channel_md, engine->engine, const_cast<float*>(scale));
            args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(first + 1) | DNNL_ARG_SRC_1] =
                memory(channel_md, engine->engine, const_cast<float*>(shift));
        }
        p.primitive.execute(engine->stream, args);
    }
};

Conv2d::Conv2d(Engine& engine, std::span<const float> weights, std::span<const float> bias,
               int out_channels, int in_channels, int kernel, int padding)
    : state_(std::make_unique<State>()) {
    auto& s = *state_;
    s.engine = &engine.impl();
    s.out_channels = out_channels;
    s.in_channels = in_channels;
    s.kernel = kernel;
    s.padding = padding;
    const auto expected = static_cast<std::size_t>(out_channels) * in_channels * kernel * kernel;
    BGV_ASSERT(weights.size() == expected, "conv2d: {} weights given for ({}, {}, {}, {})",
               weights.size(), out_channels, in_channels, kernel, kernel);
    BGV_ASSERT(bias.empty() || bias.size() == static_cast<std::size_t>(out_channels),
               "conv2d: {} bias values given for {} output channels", bias.size(), out_channels);
    s.weights.assign(weights.begin(), weights.end());
    s.bias.assign(bias.begin(), bias.end());
    if (!s.bias.empty())
        s.bias_memory =
            memory(memory::desc({out_channels}, dt::f32, tag::a), s.engine->engine, s.bias.data());
}

Conv2d::~Conv2d() = default;
Conv2d::Conv2d(Conv2d&&) noexcept = default;
Conv2d& Conv2d::operator=(Conv2d&&) noexcept = default;

int Conv2d::out_channels() const {
    return state_->out_channels;
}
int Conv2d::in_channels() const {
    return state_->in_channels;
}

void Conv2d::set_per_sample_min_pixels(std::int64_t pixels) {
    per_sample_min_pixels = pixels;
}

void Conv2d::run(const Tensor& in, Tensor& out, const ConvEpilogue& epilogue) {
    auto& s = *state_;
    BGV_ASSERT(in.rank() == 4 && in.dim(3) == s.in_channels,
               "conv2d: input {} is not (N, H, W, {})", in.shape_string(), s.in_channels);
    const std::int64_t n = in.dim(0), h = in.dim(1), w = in.dim(2);
    const std::vector<std::int64_t> out_shape{n, s.out_size(h), s.out_size(w), s.out_channels};
    if (epilogue.accumulate) {
        BGV_ASSERT(out.shape() == out_shape, "conv2d: accumulating into {} but the result is {}",
                   out.shape_string(), bgv::shape_string(out_shape));
    } else {
        out.resize(out_shape);
    }
    BGV_ASSERT((epilogue.scale == nullptr) == (epilogue.shift == nullptr),
               "conv2d: a per-channel affine needs both scale and shift");
    const bool affine = epilogue.scale != nullptr;

    if (!affine) {
        const auto& p = s.primitive(n, h, w, epilogue.accumulate, false, epilogue.activation);
        s.execute(p, in.data(), n, h, w, out.data(), epilogue.accumulate, nullptr, nullptr);
    } else if (n == 1 || h * w >= per_sample_min_pixels) {
        const auto& p = s.primitive(1, h, w, epilogue.accumulate, true, epilogue.activation);
        const std::int64_t in_step = h * w * s.in_channels;
        const std::int64_t out_step = out_shape[1] * out_shape[2] * s.out_channels;
        for (std::int64_t i = 0; i < n; ++i)
            s.execute(p, in.data() + i * in_step, 1, h, w, out.data() + i * out_step,
                      epilogue.accumulate, epilogue.scale + i * s.out_channels,
                      epilogue.shift + i * s.out_channels);
    } else {
        const auto& p = s.primitive(n, h, w, epilogue.accumulate, false, Activation::none);
        s.execute(p, in.data(), n, h, w, out.data(), epilogue.accumulate, nullptr, nullptr);
        channel_affine(out, epilogue.scale, epilogue.shift, epilogue.activation);
    }
}

}  // namespace bgv::runtime
