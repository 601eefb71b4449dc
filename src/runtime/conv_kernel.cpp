#include "runtime/conv_kernel.h"

#include <fmt/format.h>

#include <bit>
#include <cmath>

#include "core/assert.h"

namespace bgv::runtime {

namespace {

bool is_avx512(CpuIsa isa) {
    return isa == CpuIsa::avx512 || isa == CpuIsa::avx512_bf16 || isa == CpuIsa::avx512_amx;
}

}  // namespace

ConvTiling conv_tiling(CpuIsa isa, int out_channels, std::int64_t inputs) {
    ConvTiling t;
    int most = 2;
    if (is_avx512(isa)) {
        t.lanes = 16;
        // Few inputs (a 1×1 over 32 or 64 channels, at the largest sizes): blocks of 128
        // outputs, whose weights (≤ 32 KB) stay in L1, so that one pass over the pixels writes
        // whole pixels of the output, a dense stream through memory.
        most = inputs <= 64 ? 8 : 4;
    } else if (isa == CpuIsa::avx2) {
        t.lanes = 8;
    } else {
        t.lanes = 4;
    }
    if (out_channels % t.lanes == 0) {
        t.vectors = 1;
        for (int v = most; v > 1; v /= 2)
            if (out_channels % (v * t.lanes) == 0) {
                t.vectors = v;
                break;
            }
    } else {
        const int needed = (out_channels + t.lanes - 1) / t.lanes;
        t.vectors = needed >= most ? most : needed >= 2 ? 2 : 1;
    }
    return t;
}

std::uint16_t to_bf16(float value) {
    auto bits = std::bit_cast<std::uint32_t>(value);
    if (std::isnan(value))
        return static_cast<std::uint16_t>((bits >> 16) | 0x40);  // stays a (quiet) NaN
    bits += 0x7FFF + ((bits >> 16) & 1);                         // round to nearest, ties to even
    return static_cast<std::uint16_t>(bits >> 16);
}

float from_bf16(std::uint16_t value) {
    return std::bit_cast<float>(static_cast<std::uint32_t>(value) << 16);
}

PackedConvWeights pack_conv_weights(const std::vector<float>& tap_in_out, int taps, int in_channels,
                                    int out_channels, DataType type, CpuIsa isa) {
    BGV_ASSERT(tap_in_out.size() == static_cast<std::size_t>(taps) * in_channels * out_channels,
               "conv weights: {} values for {} taps × {} × {}", tap_in_out.size(), taps,
               in_channels, out_channels);
    BGV_ASSERT(type == DataType::f32 || (supports_bf16(isa) && in_channels % 2 == 0),
               "conv weights: bfloat16 needs avx512_bf16 and an even input count ({} on {})",
               in_channels, cpu_isa_name(isa));
    PackedConvWeights p;
    p.isa = isa;
    p.type = type;
    p.tiling = conv_tiling(isa, out_channels, static_cast<std::int64_t>(taps) * in_channels);
    // bfloat16 in blocks of 32 outputs: two AMX tiles of 16 columns, or 2 vectors of vdpbf16ps.
    if (type == DataType::bf16 && out_channels % 32 == 0)
        p.tiling.vectors = 2;
    p.taps = taps;
    p.in_channels = in_channels;
    p.out_channels = out_channels;
    const int block = p.tiling.block();
    const int blocks = (out_channels + block - 1) / block;
    const std::size_t total = static_cast<std::size_t>(blocks) * taps * in_channels * block;
    const auto weight = [&](int t, int i, int o) {
        return o < out_channels
                   ? tap_in_out[(static_cast<std::size_t>(t) * in_channels + i) * out_channels + o]
                   : 0.0f;
    };
    if (type == DataType::f32) {
        p.f32.resize(total);
        std::size_t at = 0;
        for (int b = 0; b < blocks; ++b)
            for (int t = 0; t < taps; ++t)
                for (int i = 0; i < in_channels; ++i)
                    for (int o = 0; o < block; ++o)
                        p.f32[at++] = weight(t, i, b * block + o);
    } else {
        p.bf16.resize(total);
        std::size_t at = 0;
        for (int b = 0; b < blocks; ++b)
            for (int t = 0; t < taps; ++t)
                for (int i = 0; i < in_channels; i += 2)
                    for (int o = 0; o < block; ++o)
                        for (int h = 0; h < 2; ++h)
                            p.bf16[at++] = to_bf16(weight(t, i + h, b * block + o));
    }
    return p;
}

std::string_view run_conv_kernel(const ConvKernelArgs& args) {
    const PackedConvWeights& w = *args.weights;
    if (w.type == DataType::bf16) {
        if (kernels::amx_fits(args)) {
            kernels::conv_amx(args);
            return "amx";
        }
        kernels::conv_avx512_bf16(args);
        return "avx512_bf16";
    }
    if (is_avx512(w.isa)) {
        kernels::conv_avx512(args);
        return "avx512";
    }
    if (w.isa == CpuIsa::avx2) {
        kernels::conv_avx2(args);
        return "avx2";
    }
    kernels::conv_generic(args);
    return "generic";
}

std::string conv_kernel_name(const PackedConvWeights& w, std::string_view kernel) {
    return fmt::format("bgv:{} {} x{}", kernel, data_type_name(w.type), w.tiling.block());
}

}  // namespace bgv::runtime
