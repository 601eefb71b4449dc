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

// The four phases' [tap][in][out] weights as one (4·out, in, 2, 2) kernel, phase 2a + b at
// output channels (2a + b)·out...
std::vector<float> one_kernel(const std::array<std::vector<float>, 4>& phases, int out, int in) {
    std::vector<float> oihw(static_cast<std::size_t>(16) * out * in);
    for (int p = 0; p < 4; ++p)
        for (int o = 0; o < out; ++o)
            for (int i = 0; i < in; ++i)
                for (int tap = 0; tap < 4; ++tap)
                    oihw[((static_cast<std::size_t>(p) * out + o) * in + i) * 4 + tap] =
                        phases[p][(static_cast<std::size_t>(tap) * in + i) * out + o];
    return oihw;
}

// out (N, 2H, 2W, C) from phase maps (N, H + 1, W + 1, 4·C): output (2y + a, 2x + b) is phase
// 2a + b at (y + a, x + b), then ·scale + shift and ReLU as the epilogue asks.
void interleave(const FeatureMap& phases, FeatureMap& out, const ConvEpilogueOps& e) {
    const std::int64_t n = out.batch(), h = out.height(), w = out.width(), c = out.channels();
    const std::int64_t stride = e.per_sample ? c : 0;
    const float* src = phases.f32();
    const bool relu = e.relu;
#pragma omp parallel for collapse(2) schedule(static)
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t y = 0; y < h; ++y) {
            const std::int64_t a = y % 2;
            const float* scale = e.scale != nullptr ? e.scale + i * stride : nullptr;
            const float* shift = e.shift != nullptr ? e.shift + i * stride : nullptr;
            for (std::int64_t x = 0; x < w; ++x) {
                const std::int64_t b = x % 2;
                const float* p = src + phases.offset(i, y / 2 + a, x / 2 + b) + (2 * a + b) * c;
                float* q = out.f32() + out.offset(i, y, x);
                if (scale != nullptr) {
#pragma omp simd
                    for (std::int64_t k = 0; k < c; ++k) {
                        const float v = p[k] * scale[k] + shift[k];
                        q[k] = relu && v < 0.0f ? 0.0f : v;
                    }
                } else {
#pragma omp simd
                    for (std::int64_t k = 0; k < c; ++k)
                        q[k] = relu && p[k] < 0.0f ? 0.0f : p[k];
                }
            }
        }
}

}  // namespace

UpsampledConv3x3::UpsampledConv3x3(std::span<const float> weights, std::span<const float> bias,
                                   int out_channels, int in_channels, std::int64_t input_pixels,
                                   DataType compute, CpuIsa isa)
    : UpsampledConv3x3(weights, bias, out_channels, in_channels,
                       choose_conv_kernel({.kernel = 3, .upsampled = true, .pixels = input_pixels},
                                          in_channels, out_channels, compute, isa),
                       compute, isa) {}

UpsampledConv3x3::UpsampledConv3x3(std::span<const float> weights, std::span<const float> bias,
                                   int out_channels, int in_channels, ConvKernelSource source,
                                   DataType compute, CpuIsa isa)
    : bias_(bias.begin(), bias.end()) {
    BGV_ASSERT(isa <= cpu_isa(), "upsampled conv: {} kernels on a {} CPU", cpu_isa_name(isa),
               cpu_isa_name(cpu_isa()));
    BGV_ASSERT(weights.size() == static_cast<std::size_t>(out_channels) * in_channels * 9,
               "upsampled conv: {} weights given for ({}, {}, 3, 3)", weights.size(), out_channels,
               in_channels);
    BGV_ASSERT(bias.empty() || bias.size() == static_cast<std::size_t>(out_channels),
               "upsampled conv: {} bias values for {} outputs", bias.size(), out_channels);
    std::array<std::vector<float>, 4> phases;
    for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b)
            phases[2 * a + b] = phase_weights(weights, out_channels, in_channels, a, b);
    if (source == ConvKernelSource::dnnl) {
        BGV_ASSERT(compute == DataType::f32, "upsampled conv: oneDNN's kernels here are float32");
        std::vector<float> four_bias;
        for (int p = 0; p < 4 && !bias.empty(); ++p)
            four_bias.insert(four_bias.end(), bias.begin(), bias.end());
        dnnl_.emplace(one_kernel(phases, out_channels, in_channels), four_bias, 4 * out_channels,
                      in_channels, 2, 1);
        return;
    }
    for (int p = 0; p < 4; ++p)
        phases_[p] = pack_conv_weights(phases[p], 4, in_channels, out_channels, compute, isa);
}

void UpsampledConv3x3::run(Engine& engine, const FeatureMap& in, FeatureMap& out,
                           const ConvEpilogueOps& epilogue) {
    engine.impl().use_on_this_thread();
    BGV_ASSERT(epilogue.residual == nullptr, "upsampled conv: no residual add");
    if (dnnl_) {
        BGV_ASSERT(out.batch() == in.batch() && out.height() == 2 * in.height() &&
                       out.width() == 2 * in.width() &&
                       4 * out.channels() == dnnl_->out_channels() && out.type() == DataType::f32,
                   "upsampled conv: output {} for input {}", out.shape_string(), in.shape_string());
        phase_maps_.resize(DataType::f32, in.batch(), in.height() + 1, in.width() + 1,
                           dnnl_->out_channels());
        dnnl_->run(engine, in, phase_maps_);
        interleave(phase_maps_, out, epilogue);
        return;
    }
    const PackedConvWeights& first = phases_[0];
    BGV_ASSERT(in.channels() == first.in_channels && in.border() >= 1 && in.type() == first.type,
               "upsampled conv: input {} for {} {} channels with a border", in.shape_string(),
               first.in_channels, data_type_name(first.type));
    BGV_ASSERT(out.batch() == in.batch() && out.height() == 2 * in.height() &&
                   out.width() == 2 * in.width() && out.channels() == first.out_channels,
               "upsampled conv: output {} for input {}", out.shape_string(), in.shape_string());
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
