#include "runtime/convolution.h"

#include <algorithm>

#include "core/assert.h"
#include "runtime/elementwise.h"

namespace bgv::runtime {

ConvKernelSource choose_conv_kernel(const ConvRole& role, int in_channels, int out_channels,
                                    DataType compute, CpuIsa isa) {
    if (compute != DataType::f32 || isa < CpuIsa::avx2)
        return ConvKernelSource::own;
    // The upsampled 3×3 (16 multiply-adds of 36 either way: four 2×2 phases) on oneDNN up to
    // 64×64 inputs (3-12 % faster there); from 128×128 on, the runtime's kernel, which writes the
    // interleaved output itself where oneDNN's needs a pass over a large map.
    if (role.upsampled)
        return role.pixels <= 64 * 64 ? ConvKernelSource::dnnl : ConvKernelSource::own;
    if (role.kernel == 3) {
        const bool winograd = WinogradConv::runs(out_channels, in_channels, isa) &&
                              in_channels >= 64 && out_channels >= 64 && role.pixels >= 8 * 8;
        return winograd ? ConvKernelSource::winograd : ConvKernelSource::dnnl;
    }
    // 1×1: the fused batch norm of the input pays where the input is large against the weights
    // (conv_0 at 32×32 over 512 channels and beyond); the fused upsampled skip from 128×128 on.
    if (role.prologue && role.pixels >= 2 * static_cast<std::int64_t>(in_channels))
        return ConvKernelSource::own;
    if (role.residual_pass && role.pixels >= 128 * 128)
        return ConvKernelSource::own;
    return ConvKernelSource::dnnl;
}

Convolution::Convolution(std::span<const float> weights, std::span<const float> bias,
                         int out_channels, int in_channels, const ConvRole& role, DataType compute,
                         CpuIsa isa)
    : Convolution(weights, bias, out_channels, in_channels, role.kernel,
                  choose_conv_kernel(role, in_channels, out_channels, compute, isa), compute, isa) {
}

Convolution::Convolution(std::span<const float> weights, std::span<const float> bias,
                         int out_channels, int in_channels, int kernel, ConvKernelSource source,
                         DataType compute, CpuIsa isa)
    : kernel_(kernel) {
    if (source == ConvKernelSource::own) {
        own_.emplace(weights, bias, out_channels, in_channels, kernel, compute, isa);
    } else if (source == ConvKernelSource::winograd) {
        BGV_ASSERT(compute == DataType::f32 && kernel == 3 &&
                       WinogradConv::runs(out_channels, in_channels, isa),
                   "convolution: Winograd here is a float32 3×3 on AVX-512, channels in 16s");
        winograd_.emplace(weights, bias, out_channels, in_channels);
    } else {
        BGV_ASSERT(compute == DataType::f32, "convolution: oneDNN's kernels here are float32");
        dnnl_.emplace(weights, bias, out_channels, in_channels, kernel);
    }
}

int Convolution::input_border() const {
    return own_ && kernel_ == 3 ? 1 : 0;
}

DataType Convolution::compute_type() const {
    return own_ ? own_->compute_type() : DataType::f32;
}

void Convolution::run(Engine& engine, const FeatureMap& in, FeatureMap& out,
                      const ConvEpilogueOps& epilogue, const ConvPrologue* prologue) {
    if (own_)
        return own_->run(engine, in, out, epilogue, prologue);
    if (winograd_) {
        BGV_ASSERT(prologue == nullptr, "convolution: a prologue on a 3×3");
        return winograd_->run(engine, in, out, epilogue);
    }
    const FeatureMap* source = &in;
    if (prologue != nullptr) {
        BGV_ASSERT(prologue->scale != nullptr && prologue->relu,
                   "convolution: oneDNN's prologue pass is a batch norm and ReLU");
        input_.resize(DataType::f32, in.batch(), in.height(), in.width(), in.channels());
        channel_affine(in, input_, prologue->scale, prologue->shift, true);
        source = &input_;
    }
    // oneDNN writes border-free maps only: a bordered output goes through one.
    FeatureMap* target = &out;
    if (out.border() > 0) {
        BGV_ASSERT(epilogue.residual == nullptr, "convolution: a residual into a bordered map");
        output_.resize(DataType::f32, out.batch(), out.height(), out.width(), out.channels());
        target = &output_;
    }
    ConvEpilogueOps ops = epilogue;
    if (epilogue.residual != nullptr && epilogue.residual != &out) {
        skip_channels(*epilogue.residual, *target, epilogue.residual_upsampled);
        ops.residual = target;
        ops.residual_upsampled = false;
    } else if (epilogue.residual != nullptr) {
        ops.residual = target;
    }
    dnnl_->run(engine, *source, *target, ops);
    if (target != &out) {
        BGV_ASSERT(out.type() == DataType::f32, "convolution: oneDNN's output into {}",
                   out.shape_string());
        const std::int64_t row = out.width() * out.channels();
        for (std::int64_t n = 0; n < out.batch(); ++n)
            for (std::int64_t y = 0; y < out.height(); ++y)
                std::copy_n(output_.f32() + output_.offset(n, y, 0), row,
                            out.f32() + out.offset(n, y, 0));
    }
}

}  // namespace bgv::runtime
