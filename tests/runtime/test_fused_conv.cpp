// The runtime's convolutions against naive double-precision loops: its own kernels (FusedConv,
// UpsampledConv3x3, NarrowConv3x3) on every instruction set this CPU runs (generic always; AVX2
// and AVX-512 where present) and in bfloat16 where the CPU has it, and the same layers on
// oneDNN's kernels (Convolution and UpsampledConv3x3 with their oneDNN source: post-ops plus
// the passes they cannot do), with the choice between the two.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "feature_maps.h"
#include "naive.h"
#include "runtime/convolution.h"
#include "runtime/fused_conv.h"
#include "runtime/narrow_conv.h"
#include "runtime/upsampled_conv.h"

using namespace bgv::runtime;
using bgv::test::feature_map;
using bgv::test::naive_conv;
using bgv::test::random_values;
using bgv::test::relative_error;
using bgv::test::rounded_to_bf16;
using bgv::test::values_of;

namespace {

// Float32 accumulation over at most 9·64 products of values in [-1, 1]: rounding error grows
// like sqrt(terms)·2^-24, far below 1e-5 relative L2. The bfloat16 kernels are held to the same
// bound against a reference made of the same bfloat16-rounded inputs and weights (their only
// other error is float32 accumulation); a bfloat16 output adds its own rounding, at most
// u = 2^-8 of each value (8 significant bits), so 4e-3.
constexpr double kTolerance = 1e-5;
constexpr double kBf16OutputTolerance = 4e-3;

std::vector<CpuIsa> isas_here() {
    std::vector<CpuIsa> isas = {CpuIsa::generic};
    if (cpu_isa() >= CpuIsa::avx2)
        isas.push_back(CpuIsa::avx2);
    if (cpu_isa() >= CpuIsa::avx512)
        isas.push_back(CpuIsa::avx512);
    return isas;
}

enum class Residual { none, same, upsampled, in_place };

struct Case {
    int n, h, w, ci, co, k;
    bool prologue = false;
    Residual residual = Residual::none;
    int residual_channels = 0;  // ≥ co; the first co are added
    bool affine = false, per_sample = true, relu = false;
    int out_border = 0;
};

// source dnnl: oneDNN's kernels (float32), on an input with `dnnl_border` (0: the convolution
// pads; 1 for a 3×3: the border is the padding).
void check(const Case& c, CpuIsa isa, DataType compute, DataType out_type, double tolerance,
           ConvKernelSource source = ConvKernelSource::own, int dnnl_border = 0) {
    const bool dnnl = source != ConvKernelSource::own;
    const bool winograd = source == ConvKernelSource::winograd;
    SCOPED_TRACE(::testing::Message()
                 << (winograd ? "Winograd "
                     : dnnl   ? "oneDNN "
                              : "")
                 << cpu_isa_name(isa) << " " << data_type_name(compute) << " → "
                 << data_type_name(out_type) << ", " << c.k << "x" << c.k << " " << c.ci << "→"
                 << c.co << " on " << c.n << "x" << c.h << "x" << c.w);
    Engine engine(2);
    const bool bf16 = compute == DataType::bf16;
    const auto in = random_values(static_cast<std::size_t>(c.n) * c.h * c.w * c.ci, 1);
    const auto wt = random_values(static_cast<std::size_t>(c.co) * c.ci * c.k * c.k, 2);
    const auto bias = random_values(c.co, 3);
    const auto pro_scale = random_values(static_cast<std::size_t>(c.n) * c.ci, 4, 2.0f);
    const auto pro_shift = random_values(static_cast<std::size_t>(c.n) * c.ci, 5);
    const auto scale = random_values(static_cast<std::size_t>(c.n) * c.co, 6, 2.0f);
    const auto shift = random_values(static_cast<std::size_t>(c.n) * c.co, 7);
    const int rh = c.residual == Residual::upsampled ? c.h / 2 : c.h;
    const int rw = c.residual == Residual::upsampled ? c.w / 2 : c.w;
    const int rc = c.residual == Residual::in_place ? c.co : c.residual_channels;
    const auto skip = random_values(static_cast<std::size_t>(c.n) * rh * rw * rc, 8);

    // The reference, in double, from what the kernel multiplies.
    std::vector<float> x = in;
    if (c.prologue)
        for (std::size_t i = 0; i < x.size(); ++i) {
            const std::size_t sample = i / (static_cast<std::size_t>(c.h) * c.w * c.ci);
            const std::size_t at = sample * c.ci + i % c.ci;
            x[i] = std::max(0.0f, x[i] * pro_scale[at] + pro_shift[at]);
        }
    auto want = naive_conv(bf16 ? rounded_to_bf16(x) : x, bf16 ? rounded_to_bf16(wt) : wt, bias,
                           c.n, c.h, c.w, c.ci, c.co, c.k, c.k / 2);
    for (std::size_t i = 0; i < want.size(); ++i) {
        const std::size_t o = i % c.co, p = i / c.co;
        const std::size_t sample = p / (static_cast<std::size_t>(c.h) * c.w);
        const std::size_t y = p / c.w % c.h, xx = p % c.w;
        double v = want[i];
        if (c.residual == Residual::same || c.residual == Residual::in_place)
            v += skip[((sample * rh + y) * rw + xx) * rc + o];
        if (c.residual == Residual::upsampled)
            v += skip[((sample * rh + y / 2) * rw + xx / 2) * rc + o];
        if (c.affine) {
            const std::size_t at = c.per_sample ? sample * c.co + o : o;
            v = v * scale[at] + shift[at];
        }
        if (c.relu)
            v = std::max(v, 0.0);
        want[i] = v;
    }

    Convolution conv(wt, bias, c.co, c.ci, c.k, source, compute, isa);
    const FeatureMap input = feature_map(in, c.prologue ? DataType::f32 : compute, c.n, c.h, c.w,
                                         c.ci, dnnl ? dnnl_border : c.k / 2);
    FeatureMap residual = feature_map(skip, DataType::f32, c.n, rh, rw, rc);
    FeatureMap out(out_type, c.n, c.h, c.w, c.co, c.out_border);
    ConvEpilogueOps epilogue{.per_sample = c.per_sample, .relu = c.relu};
    if (c.residual != Residual::none) {
        epilogue.residual = &residual;
        epilogue.residual_upsampled = c.residual == Residual::upsampled;
    }
    if (c.affine) {
        epilogue.scale = scale.data();
        epilogue.shift = shift.data();
    }
    const ConvPrologue prologue{pro_scale.data(), pro_shift.data(), true};
    FeatureMap& target = c.residual == Residual::in_place ? residual : out;
    conv.run(engine, input, target, epilogue, c.prologue ? &prologue : nullptr);
    EXPECT_LT(relative_error(values_of(target), want), tolerance);
    // The kernel that ran: AMX tiles for bfloat16 in 32s of channels where the CPU has them.
    ASSERT_EQ(engine.implementations().size(), 1u);
    const std::string& kernel = engine.implementations().begin()->second;
    if (winograd)
        EXPECT_NE(kernel.find("_wino_"), std::string::npos) << kernel;
    else if (dnnl)
        EXPECT_TRUE(kernel.starts_with("brg") || kernel.starts_with("jit")) << kernel;
    else if (bf16 && isa == CpuIsa::avx512_amx && c.ci % 32 == 0 && c.co % 32 == 0)
        EXPECT_EQ(kernel.rfind("bgv:amx", 0), 0u) << kernel;
    else if (bf16)
        EXPECT_EQ(kernel.rfind("bgv:avx512_bf16", 0), 0u) << kernel;
    else
        EXPECT_EQ(kernel.rfind(isa == CpuIsa::generic ? "bgv:generic"
                               : isa == CpuIsa::avx2  ? "bgv:avx2"
                                                      : "bgv:avx512",
                               0),
                  0u)
            << kernel;
    if (c.out_border > 0) {
        // The border stays zero: the next 3×3 conv reads it as padding.
        const auto* bytes = static_cast<const unsigned char*>(out.data());
        const std::size_t size = element_bytes(out_type);
        for (std::int64_t x0 = -1; x0 <= c.w; ++x0)
            for (std::int64_t y0 : {std::int64_t{-1}, std::int64_t{c.h}})
                for (std::size_t b = 0; b < size * c.co; ++b)
                    ASSERT_EQ(
                        bytes[static_cast<std::size_t>(out.offset(1 % c.n, y0, x0)) * size + b], 0);
    }
}

const Case kCases[] = {
    // 3×3; 24 outputs: a partial block of 16-lane vectors; H ≠ W; bordered output.
    {.n = 2,
     .h = 7,
     .w = 5,
     .ci = 16,
     .co = 24,
     .k = 3,
     .affine = true,
     .relu = true,
     .out_border = 1},
    // 3×3, bias only, a row longer than a register tile.
    {.n = 1, .h = 6, .w = 13, .ci = 40, .co = 64, .k = 3},
    // 1×1 with the batch norm + ReLU prologue: rows flattened across row ends.
    {.n = 3,
     .h = 4,
     .w = 6,
     .ci = 32,
     .co = 8,
     .k = 1,
     .prologue = true,
     .affine = true,
     .relu = true},
    // 1×1 + nearest-upsampled skip of 64 channels (first 48 added) + per-channel affine.
    {.n = 2,
     .h = 6,
     .w = 10,
     .ci = 24,
     .co = 48,
     .k = 1,
     .residual = Residual::upsampled,
     .residual_channels = 64,
     .affine = true,
     .per_sample = false,
     .relu = true},
    // 1×1 + same-size skip, channels dropped.
    {.n = 2,
     .h = 5,
     .w = 3,
     .ci = 16,
     .co = 32,
     .k = 1,
     .residual = Residual::same,
     .residual_channels = 48},
    // 1×1 accumulating in place (x += conv(h)).
    {.n = 2, .h = 3, .w = 7, .ci = 20, .co = 36, .k = 1, .residual = Residual::in_place},
    // 3×3 with 3 outputs (one partial vector).
    {.n = 1, .h = 9, .w = 4, .ci = 8, .co = 3, .k = 3, .relu = true},
    // Channel counts in 32s (the AMX kernel's tiles, where the CPU has them): a 3×3 over rows
    // shorter than a tile, a 1×1 with a prologue into a bordered output (conv_0), a 1×1 with
    // an upsampled skip (conv_3).
    {.n = 2,
     .h = 5,
     .w = 7,
     .ci = 64,
     .co = 64,
     .k = 3,
     .affine = true,
     .relu = true,
     .out_border = 1},
    {.n = 2,
     .h = 5,
     .w = 3,
     .ci = 64,
     .co = 32,
     .k = 1,
     .prologue = true,
     .affine = true,
     .relu = true,
     .out_border = 1},
    // Weights beyond kPixelMajorMaxWeightBytes in bfloat16 (320 KB): every kernel block-major.
    {.n = 2, .h = 3, .w = 5, .ci = 512, .co = 320, .k = 1, .affine = true, .relu = true},
    // Several blocks of output channels over small weights (AMX: piece-major, the prologue of a
    // piece done once for its three blocks) and two pieces of pixels per sample.
    {.n = 2,
     .h = 16,
     .w = 20,
     .ci = 32,
     .co = 96,
     .k = 1,
     .prologue = true,
     .affine = true,
     .relu = true},
    {.n = 3,
     .h = 4,
     .w = 10,
     .ci = 32,
     .co = 64,
     .k = 1,
     .residual = Residual::upsampled,
     .residual_channels = 96,
     .relu = true},
};

}  // namespace

// bfloat16 joins the instruction sets where the CPU has it (elsewhere the generator runs
// float32: tests/model/biggan checks that fallback on every machine).
TEST(FusedConv, MatchesNaiveLoopsOnEveryInstructionSet) {
    for (CpuIsa isa : isas_here())
        for (const Case& c : kCases)
            check(c, isa, DataType::f32, DataType::f32, kTolerance);
    if (supports_bf16(cpu_isa())) {
        for (const Case& c : kCases)
            if (c.ci % 2 == 0)
                check(c, cpu_isa(), DataType::bf16, DataType::f32, kTolerance);
        check(kCases[0], cpu_isa(), DataType::bf16, DataType::bf16, kBf16OutputTolerance);
        check(kCases[2], cpu_isa(), DataType::bf16, DataType::bf16, kBf16OutputTolerance);
    }
}

// The same layers on oneDNN's kernels, with their batch norm before (a pass), skip (copied or
// upsampled into the output first) and bordered outputs (through a border-free map); batch 3 at
// 16×16 too, whose per-sample batch norm runs sample by sample (below 16×16: after the batch,
// as a pass). 3×3 inputs with and without their border of zeros.
TEST(Convolution, OneDnnSourceMatchesNaiveLoops) {
    if (cpu_isa() < CpuIsa::avx2)
        GTEST_SKIP() << "oneDNN's jit convolutions need AVX2; this CPU runs the runtime's own";
    std::vector<Case> cases(std::begin(kCases), std::end(kCases));
    cases.push_back(
        {.n = 3, .h = 16, .w = 16, .ci = 32, .co = 16, .k = 3, .affine = true, .relu = true});
    cases.push_back({.n = 3,
                     .h = 16,
                     .w = 18,
                     .ci = 16,
                     .co = 32,
                     .k = 1,
                     .residual = Residual::in_place,
                     .affine = true,
                     .relu = true});
    for (const Case& c : cases)
        for (int border = 0; border <= c.k / 2; ++border)
            check(c, cpu_isa(), DataType::f32, DataType::f32, kTolerance, ConvKernelSource::dnnl,
                  border);
}

// Winograd's 3×3 (oneDNN's F(2×2, 3×3) kernel at batch 1, F(4×4, 3×3) at larger batches or
// wider layers) through its two passes: every epilogue (residual beside, upsampled or in place;
// per-sample and per-channel batch norm; ReLU), bordered inputs and outputs, sizes that are not
// multiples of the tiles. Its sums run in another order than the naive loops': ~1e-6 relative
// L2 here, under the float32 bound of the other kernels.
TEST(Convolution, WinogradSourceMatchesNaiveLoops) {
    if (cpu_isa() < CpuIsa::avx512)
        GTEST_SKIP() << "oneDNN 2.6 has Winograd kernels for AVX-512 only";
    const Case cases[] = {
        {.n = 1, .h = 8, .w = 8, .ci = 64, .co = 64, .k = 3, .affine = true, .relu = true},
        {.n = 2, .h = 7, .w = 10, .ci = 16, .co = 32, .k = 3, .affine = true, .out_border = 1},
        {.n = 3,
         .h = 16,
         .w = 16,
         .ci = 256,
         .co = 256,
         .k = 3,
         .affine = true,
         .per_sample = false,
         .relu = true},
        {.n = 1,
         .h = 5,
         .w = 9,
         .ci = 32,
         .co = 16,
         .k = 3,
         .residual = Residual::same,
         .residual_channels = 48,
         .relu = true},
        {.n = 2,
         .h = 6,
         .w = 8,
         .ci = 32,
         .co = 32,
         .k = 3,
         .residual = Residual::upsampled,
         .residual_channels = 32,
         .affine = true},
        {.n = 2,
         .h = 9,
         .w = 6,
         .ci = 48,
         .co = 16,
         .k = 3,
         .residual = Residual::in_place,
         .affine = true,
         .relu = true},
    };
    for (const Case& c : cases)
        for (int border = 0; border <= 1; ++border)
            check(c, cpu_isa(), DataType::f32, DataType::f32, kTolerance,
                  ConvKernelSource::winograd, border);
}

// The rule (runtime/convolution.h) on the layers it was measured on, and where it never sends
// work to oneDNN.
TEST(Convolution, ChoiceFollowsTheMeasuredRule) {
    using S = ConvKernelSource;
    const auto choose = [](ConvRole role, int in, int out, DataType type = DataType::f32,
                           CpuIsa isa = CpuIsa::avx512) {
        return choose_conv_kernel(role, in, out, type, isa);
    };
    // 3×3 over 512 channels at 16×16 and over 64 at 128×128: Winograd on AVX-512, brgconv on
    // AVX2; over 32 channels, or at 4×4: brgconv.
    EXPECT_EQ(choose({.kernel = 3, .pixels = 256}, 512, 512), S::winograd);
    EXPECT_EQ(choose({.kernel = 3, .pixels = 128 * 128}, 64, 64), S::winograd);
    EXPECT_EQ(choose({.kernel = 3, .pixels = 256}, 512, 512, DataType::f32, CpuIsa::avx2), S::dnnl);
    EXPECT_EQ(choose({.kernel = 3, .pixels = 256 * 256}, 32, 32), S::dnnl);
    EXPECT_EQ(choose({.kernel = 3, .pixels = 16}, 512, 512), S::dnnl);
    // conv_0 at 8×8 over 2048: oneDNN.
    EXPECT_EQ(choose({.kernel = 1, .prologue = true, .pixels = 64}, 2048, 512), S::dnnl);
    // conv_0 at 64×64 over 256, conv_3 with its upsampled skip at 256×256: the fused kernel.
    EXPECT_EQ(choose({.kernel = 1, .prologue = true, .pixels = 4096}, 256, 64), S::own);
    EXPECT_EQ(choose({.kernel = 1, .residual_pass = true, .pixels = 65536}, 32, 128), S::own);
    // The upsampled 3×3: oneDNN up to 64×64 inputs, the phase kernels from 128×128.
    EXPECT_EQ(choose({.kernel = 3, .upsampled = true, .pixels = 64}, 512, 512), S::dnnl);
    EXPECT_EQ(choose({.kernel = 3, .upsampled = true, .pixels = 64 * 64}, 128, 128), S::dnnl);
    EXPECT_EQ(choose({.kernel = 3, .upsampled = true, .pixels = 128 * 128}, 64, 64), S::own);
    // bfloat16, and CPUs below AVX2: always the runtime's own.
    EXPECT_EQ(choose({.kernel = 3, .pixels = 256}, 512, 512, DataType::bf16, CpuIsa::avx512_amx),
              S::own);
    EXPECT_EQ(choose({.kernel = 3, .pixels = 256}, 512, 512, DataType::f32, CpuIsa::generic),
              S::own);
}

// bfloat16 weights for kernels without bfloat16 arithmetic are a program error, not a silent
// float32 run: the generator decides the fallback before it packs anything.
TEST(FusedConvDeathTest, Bfloat16NeedsTheInstructions) {
    const auto pack = [] {
        pack_conv_weights(std::vector<float>(16, 0.5f), 1, 4, 4, DataType::bf16, CpuIsa::avx2);
    };
    EXPECT_DEATH(pack(), "bfloat16 needs avx512_bf16 and an even input count \\(4 on avx2\\)");
}

// conv3x3(upsample2x(x)) through the four 2×2 phase kernels against the naive upsample-then-
// convolve: the phase weights are sums of up to four 3×3 weights, so only float32 rounding of
// sums of ≤ 4·16 products differs (relative L2 well below 1e-5). H ≠ W.
TEST(UpsampledConv3x3, MatchesUpsampleThenConv) {
    const int n = 2, h = 5, w = 6;
    for (auto [ci, co] : {std::pair{16, 8}, std::pair{16, 32}, std::pair{32, 64}}) {
        std::vector<std::pair<CpuIsa, DataType>> runs;
        for (CpuIsa isa : isas_here())
            runs.emplace_back(isa, DataType::f32);
        if (supports_bf16(cpu_isa()))
            runs.emplace_back(cpu_isa(), DataType::bf16);
        const auto in = random_values(static_cast<std::size_t>(n) * h * w * ci, 11);
        const auto wt = random_values(static_cast<std::size_t>(co) * ci * 9, 12);
        const auto bias = random_values(co, 13);
        const auto scale = random_values(static_cast<std::size_t>(n) * co, 14, 2.0f);
        const auto shift = random_values(static_cast<std::size_t>(n) * co, 15);
        for (auto [isa, compute] : runs) {
            SCOPED_TRACE(::testing::Message() << cpu_isa_name(isa) << " " << data_type_name(compute)
                                              << " " << ci << "→" << co);
            const bool bf16 = compute == DataType::bf16;
            const auto source = bf16 ? rounded_to_bf16(in) : in;
            std::vector<float> up(static_cast<std::size_t>(n) * 4 * h * w * ci);
            for (int i = 0; i < n; ++i)
                for (int y = 0; y < 2 * h; ++y)
                    for (int x = 0; x < 2 * w; ++x)
                        for (int c = 0; c < ci; ++c)
                            up[((static_cast<std::size_t>(i) * 2 * h + y) * 2 * w + x) * ci + c] =
                                source[((static_cast<std::size_t>(i) * h + y / 2) * w + x / 2) *
                                           ci +
                                       c];
            // bfloat16 rounds the phase sums of weights, not the 3×3 weights the reference
            // uses: each product then carries up to u = 2^-8 of error in random directions,
            // ~3e-3 relative L2 of the sums; 1e-2.
            auto want = naive_conv(up, wt, bias, n, 2 * h, 2 * w, ci, co, 3, 1);
            for (std::size_t k = 0; k < want.size(); ++k) {
                const std::size_t i = k / (static_cast<std::size_t>(4) * h * w * co), c = k % co;
                want[k] = std::max(0.0, want[k] * scale[i * co + c] + shift[i * co + c]);
            }
            std::vector<ConvKernelSource> sources = {ConvKernelSource::own};
            if (!bf16 && isa == cpu_isa() && isa >= CpuIsa::avx2)
                sources.push_back(ConvKernelSource::dnnl);  // one 2×2 conv, then interleaved
            for (ConvKernelSource kernels : sources) {
                UpsampledConv3x3 conv(wt, bias, co, ci, kernels, compute, isa);
                for (int border = conv.input_border(); border <= 1; ++border) {
                    SCOPED_TRACE(::testing::Message()
                                 << (kernels == ConvKernelSource::dnnl ? "oneDNN" : "own")
                                 << ", input border " << border);
                    const FeatureMap x = feature_map(in, compute, n, h, w, ci, border);
                    FeatureMap y(DataType::f32, n, 2 * h, 2 * w, co, 1);
                    Engine engine(2);
                    conv.run(engine, x, y,
                             {.scale = scale.data(), .shift = shift.data(), .relu = true});
                    EXPECT_LT(relative_error(values_of(y), want), bf16 ? 1e-2 : kTolerance);
                }
            }
        }
    }
}

// The narrow conv (1 to 4 outputs, NCHW out) against naive loops, with input channel counts that
// exercise the several-pixel loop (multiples of 16) and the one-pixel loop with its remainder,
// and a row width whose interior is not a whole number of pixel steps. Float32 sums of 9·128
// products: 1e-5.
TEST(NarrowConv3x3, MatchesNaiveLoops) {
    for (int co : {1, 3, 4})
        for (int ci : {40, 32, 128}) {
            const int n = 2, h = 7, w = 14;
            const auto in = random_values(static_cast<std::size_t>(n) * h * w * ci, 21);
            const auto wt = random_values(static_cast<std::size_t>(co) * ci * 9, 22);
            const auto bias = random_values(co, 23);
            const auto want_nhwc = naive_conv(in, wt, bias, n, h, w, ci, co, 3, 1);
            std::vector<double> want(want_nhwc.size());
            for (int i = 0; i < n; ++i)
                for (int p = 0; p < h * w; ++p)
                    for (int o = 0; o < co; ++o)
                        want[(static_cast<std::size_t>(i) * co + o) * h * w + p] =
                            want_nhwc[(static_cast<std::size_t>(i) * h * w + p) * co + o];
            for (CpuIsa isa : isas_here()) {
                NarrowConv3x3 conv(wt, bias, co, ci, isa);
                const FeatureMap x = feature_map(in, DataType::f32, n, h, w, ci);
                std::vector<float> out(want.size());
                Engine engine(2);
                conv.run(engine, x, out);
                EXPECT_LT(relative_error(out, want), kTolerance)
                    << cpu_isa_name(isa) << ": " << ci << " input channels, " << co << " outputs";
            }
        }
}

// The model's loader checks every shape against the checkpoint, so a wrong input here is a
// program error: it stops naming the file and line.
TEST(FusedConvDeathTest, WrongInputIsAnInvariantFailure) {
    const auto run_wrong_input = [] {
        Engine engine(1);
        const auto wt = random_values(4 * 3 * 9, 1);
        FusedConv conv(wt, {}, 4, 3, 3, DataType::f32);
        const FeatureMap x(DataType::f32, 1, 4, 4, 5, 1);
        FeatureMap y(DataType::f32, 1, 4, 4, 4);
        conv.run(engine, x, y);
    };
    EXPECT_DEATH(run_wrong_input(),
                 "fused_conv\\.cpp:[0-9]+: internal error: .*fused conv: input \\(1, 4, 4, 5\\) "
                 "border 1 for a 3×3 conv of 3 channels");
}
