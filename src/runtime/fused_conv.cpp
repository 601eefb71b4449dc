#include "runtime/fused_conv.h"

#include <fmt/format.h>

#include "core/assert.h"
#include "runtime/dnnl_engine.h"

namespace bgv::runtime {

namespace {

// (out, in, k, k) → [tap][in][out].
std::vector<float> tap_major(std::span<const float> w, int out, int in, int kernel) {
    const int taps = kernel * kernel;
    std::vector<float> t(w.size());
    for (int o = 0; o < out; ++o)
        for (int i = 0; i < in; ++i)
            for (int k = 0; k < taps; ++k)
                t[(static_cast<std::size_t>(k) * in + i) * out + o] =
                    w[(static_cast<std::size_t>(o) * in + i) * taps + k];
    return t;
}

}  // namespace

FusedConv::FusedConv(std::span<const float> weights, std::span<const float> bias, int out_channels,
                     int in_channels, int kernel, DataType compute, CpuIsa isa)
    : kernel_(kernel), bias_(bias.begin(), bias.end()) {
    BGV_ASSERT(isa <= cpu_isa(), "fused conv: {} kernels on a {} CPU", cpu_isa_name(isa),
               cpu_isa_name(cpu_isa()));
    BGV_ASSERT(kernel == 1 || kernel == 3, "fused conv: kernel {} (1 or 3 supported)", kernel);
    BGV_ASSERT(
        weights.size() == static_cast<std::size_t>(out_channels) * in_channels * kernel * kernel,
        "fused conv: {} weights given for ({}, {}, {}, {})", weights.size(), out_channels,
        in_channels, kernel, kernel);
    BGV_ASSERT(bias.empty() || bias.size() == static_cast<std::size_t>(out_channels),
               "fused conv: {} bias values for {} outputs", bias.size(), out_channels);
    weights_ = pack_conv_weights(tap_major(weights, out_channels, in_channels, kernel),
                                 kernel * kernel, in_channels, out_channels, compute, isa);
}

void set_conv_epilogue(ConvKernelArgs& a, FeatureMap& out, const ConvEpilogueOps& e,
                       const float* bias) {
    a.out = out.data();
    a.out_type = out.type();
    a.out_pixel = out.pixel_stride();
    a.out_row = out.row_stride();
    a.out_sample = out.sample_stride();
    a.bias = bias;
    if (e.residual != nullptr) {
        const FeatureMap& r = *e.residual;
        const int up = e.residual_upsampled ? 1 : 0;
        BGV_ASSERT(r.type() == DataType::f32 && r.border() == 0 && r.batch() == a.batch &&
                       r.height() << up == a.height && r.width() << up == a.width &&
                       r.channels() >= a.weights->out_channels,
                   "fused conv: residual {} for an output grid ({}, {}, {}) of {} channels{}",
                   r.shape_string(), a.batch, a.height, a.width, a.weights->out_channels,
                   up ? ", upsampled" : "");
        a.residual = r.f32();
        a.residual_pixel = r.pixel_stride();
        a.residual_row = r.row_stride();
        a.residual_sample = r.sample_stride();
        a.residual_upsample = up;
    }
    BGV_ASSERT((e.scale == nullptr) == (e.shift == nullptr),
               "fused conv: an affine needs both scale and shift");
    a.scale = e.scale;
    a.shift = e.shift;
    a.affine_sample_stride = e.per_sample ? a.weights->out_channels : 0;
    a.relu = e.relu;
    // Outputs far beyond the caches go straight to memory, unless they are also read here.
    constexpr std::int64_t kStreamBytes = std::int64_t{16} << 20;
    a.stream_out =
        out.elements() * static_cast<std::int64_t>(element_bytes(out.type())) >= kStreamBytes &&
        (e.residual == nullptr || e.residual != &out);
    // The destination's interior starts after its border.
    a.out = static_cast<unsigned char*>(a.out) +
            static_cast<std::size_t>(out.offset(0, 0, 0)) * element_bytes(out.type());
}

void FusedConv::run(Engine& engine, const FeatureMap& in, FeatureMap& out,
                    const ConvEpilogueOps& epilogue, const ConvPrologue* prologue) {
    engine.impl().use_on_this_thread();
    const int pad = kernel_ / 2;
    BGV_ASSERT(in.channels() == weights_.in_channels && in.border() >= pad,
               "fused conv: input {} for a {}×{} conv of {} channels", in.shape_string(), kernel_,
               kernel_, weights_.in_channels);
    BGV_ASSERT(out.batch() == in.batch() && out.height() == in.height() &&
                   out.width() == in.width() && out.channels() == weights_.out_channels,
               "fused conv: output {} for input {}", out.shape_string(), in.shape_string());
    ConvKernelArgs a;
    a.weights = &weights_;
    a.batch = in.batch();
    a.height = in.height();
    a.width = in.width();
    std::int64_t taps[9];
    for (int ky = 0; ky < kernel_; ++ky)
        for (int kx = 0; kx < kernel_; ++kx)
            taps[ky * kernel_ + kx] = ky * in.row_stride() + kx * in.pixel_stride();
    a.taps = taps;
    a.tap_count = kernel_ * kernel_;
    // Tap origin of output (0, 0): input pixel (-pad, -pad).
    a.in = static_cast<const unsigned char*>(in.data()) +
           static_cast<std::size_t>(in.offset(0, -pad, -pad)) * element_bytes(in.type());
    a.in_pixel = in.pixel_stride();
    a.in_row = in.row_stride();
    a.in_sample = in.sample_stride();
    const bool convert = in.type() != weights_.type;
    if (prologue != nullptr || convert) {
        BGV_ASSERT(kernel_ == 1 && in.type() == DataType::f32,
                   "fused conv: a prologue needs a float32 input to a 1×1 conv");
        a.prologue = true;
        if (prologue != nullptr) {
            a.prologue_scale = prologue->scale;
            a.prologue_shift = prologue->shift;
            a.prologue_relu = prologue->relu;
        }
    }
    set_conv_epilogue(a, out, epilogue, bias_.empty() ? nullptr : bias_.data());
    // A border-free 1×1 conv is one long row per sample: whole tiles across row ends.
    const bool flat = kernel_ == 1 && in.border() == 0 && out.border() == 0 &&
                      (epilogue.residual == nullptr || !epilogue.residual_upsampled);
    if (flat) {
        a.width = in.height() * in.width();
        a.height = 1;
        a.in_row = a.width * a.in_pixel;
        a.out_row = a.width * a.out_pixel;
        a.residual_row = a.width * a.residual_pixel;
    }
    const std::string_view kernel = run_conv_kernel(a);
    if (!reported_) {
        report_implementation(
            engine.impl(),
            fmt::format("conv {}x{} {}->{} {}", kernel_, kernel_, weights_.in_channels,
                        weights_.out_channels, data_type_name(weights_.type)),
            conv_kernel_name(weights_, kernel));
        reported_ = true;
    }
}

}  // namespace bgv::runtime
