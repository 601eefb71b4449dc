#include "runtime/upsampled_conv.h"

#include <fmt/format.h>

#include <vector>

#include "core/assert.h"
#include "runtime/dnnl_engine.h"

namespace bgv::runtime {

namespace {

// Output row 2y + a of the upsampled 3×3 convolution reads upsampled rows 2y + a - 1 .. 2y + a + 1,
// i.e. low-resolution rows y - 1 + a + r for taps r = 0, 1 of a 2×2 kernel; kernel row ky of the
// 3×3 weights lands on tap r when ky ∈ taps(a, r).
bool tap_covers(int phase, int tap, int k) {
    static const int first[2][2] = {{0, 1}, {0, 2}};
    static const int last[2][2] = {{0, 2}, {1, 2}};
    return k >= first[phase][tap] && k <= last[phase][tap];
}

// Phase (a, b)'s 2×2 weights as [tap = 2r + s][in][out], sums of 3×3 weights taken in double.
std::vector<float> phase_weights(std::span<const float> w, int out, int in, int a, int b) {
    std::vector<float> combined(static_cast<std::size_t>(4) * in * out, 0.0f);
    for (int r = 0; r < 2; ++r)
        for (int s = 0; s < 2; ++s)
            for (int i = 0; i < in; ++i)
                for (int o = 0; o < out; ++o) {
                    double sum = 0.0;
                    for (int ky = 0; ky < 3; ++ky)
                        for (int kx = 0; kx < 3; ++kx)
                            if (tap_covers(a, r, ky) && tap_covers(b, s, kx))
                                sum +=
                                    w[((static_cast<std::size_t>(o) * in + i) * 3 + ky) * 3 + kx];
                    combined[((static_cast<std::size_t>(2 * r + s) * in + i) * out) + o] =
                        static_cast<float>(sum);
                }
    return combined;
}

}  // namespace

UpsampledConv3x3::UpsampledConv3x3(std::span<const float> weights, std::span<const float> bias,
                                   int out_channels, int in_channels, DataType compute, CpuIsa isa)
    : bias_(bias.begin(), bias.end()) {
    BGV_ASSERT(isa <= cpu_isa(), "upsampled conv: {} kernels on a {} CPU", cpu_isa_name(isa),
               cpu_isa_name(cpu_isa()));
    BGV_ASSERT(weights.size() == static_cast<std::size_t>(out_channels) * in_channels * 9,
               "upsampled conv: {} weights given for ({}, {}, 3, 3)", weights.size(), out_channels,
               in_channels);
    BGV_ASSERT(bias.empty() || bias.size() == static_cast<std::size_t>(out_channels),
               "upsampled conv: {} bias values for {} outputs", bias.size(), out_channels);
    for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b)
            phases_[2 * a + b] =
                pack_conv_weights(phase_weights(weights, out_channels, in_channels, a, b), 4,
                                  in_channels, out_channels, compute, isa);
}

void UpsampledConv3x3::run(Engine& engine, const FeatureMap& in, FeatureMap& out,
                           const ConvEpilogueOps& epilogue) {
    engine.impl().use_on_this_thread();
    const PackedConvWeights& first = phases_[0];
    BGV_ASSERT(in.channels() == first.in_channels && in.border() >= 1 && in.type() == first.type,
               "upsampled conv: input {} for {} {} channels with a border", in.shape_string(),
               first.in_channels, data_type_name(first.type));
    BGV_ASSERT(out.batch() == in.batch() && out.height() == 2 * in.height() &&
                   out.width() == 2 * in.width() && out.channels() == first.out_channels,
               "upsampled conv: output {} for input {}", out.shape_string(), in.shape_string());
    BGV_ASSERT(epilogue.residual == nullptr, "upsampled conv: no residual add");
    const std::size_t in_bytes = element_bytes(in.type()), out_bytes = element_bytes(out.type());
    const std::int64_t taps[4] = {0, in.pixel_stride(), in.row_stride(),
                                  in.row_stride() + in.pixel_stride()};
    for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b) {
            ConvKernelArgs k;
            k.weights = &phases_[2 * a + b];
            k.batch = in.batch();
            k.height = in.height();
            k.width = in.width();
            k.taps = taps;
            k.tap_count = 4;
            // Output (y, x) of this phase: taps from low-resolution pixel (y - 1 + a, x - 1 + b).
            k.in = static_cast<const unsigned char*>(in.data()) +
                   static_cast<std::size_t>(in.offset(0, a - 1, b - 1)) * in_bytes;
            k.in_pixel = in.pixel_stride();
            k.in_row = in.row_stride();
            k.in_sample = in.sample_stride();
            set_conv_epilogue(k, out, epilogue, bias_.empty() ? nullptr : bias_.data());
            // ... written to output pixel (2y + a, 2x + b).
            k.out =
                static_cast<unsigned char*>(k.out) +
                static_cast<std::size_t>(a * out.row_stride() + b * out.pixel_stride()) * out_bytes;
            k.out_row *= 2;
            k.out_pixel *= 2;
            const std::string_view kernel = run_conv_kernel(k);
            if (!reported_) {
                report_implementation(engine.impl(),
                                      fmt::format("upsampled conv 3x3 {}->{} {}", first.in_channels,
                                                  first.out_channels, data_type_name(first.type)),
                                      conv_kernel_name(first, kernel));
                reported_ = true;
            }
        }
}

}  // namespace bgv::runtime
