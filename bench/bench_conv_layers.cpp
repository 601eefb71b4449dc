// bench_conv_layers: every float32 convolution of the BigGAN-deep generators (128/256/512 px), as
// the runtime's own fused kernel (FusedConv, UpsampledConv3x3: batch norms, ReLU, upsampling and
// the skip add in the same pass) and as oneDNN's jit convolution (DnnlConv, with the passes its
// post-ops cannot do: bn_0 + ReLU before conv_0, the skip's upsampling or channel drop before
// conv_3) and, for the plain 3×3 ones on AVX-512, as oneDNN's Winograd convolution
// (WinogradConv, its passes into and out of oneDNN's blocks included), in the same run: GFLOP per
// CPU-second of each (nominal: the direct convolution's multiply-adds) and whether the rule
// picked the fastest. The evidence behind runtime/convolution.h's rule. See bench/README.md.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "bench_timing.h"
#include "runtime/convolution.h"
#include "runtime/cpu_isa.h"
#include "runtime/dnnl_conv.h"
#include "runtime/elementwise.h"
#include "runtime/engine.h"
#include "runtime/feature_map.h"
#include "runtime/fused_conv.h"
#include "runtime/upsampled_conv.h"
#include "runtime/winograd_conv.h"

using namespace bgv;
using runtime::ConvEpilogueOps;
using runtime::DataType;
using runtime::FeatureMap;

namespace {

struct Block {
    bool up;
    int in, out;  // channel multipliers
};

// The published BigGAN-deep blocks (channel width 128) and their input sizes.
std::vector<std::pair<Block, int>> blocks_of(int resolution) {
    std::vector<Block> b = {
        {false, 16, 16}, {true, 16, 16}, {false, 16, 16}, {true, 16, 8}, {false, 8, 8}};
    if (resolution == 128) {
        b.insert(b.end(), {{true, 8, 4}, {false, 4, 4}, {true, 4, 2}, {false, 2, 2}, {true, 2, 1}});
    } else {
        b.insert(b.end(), {{true, 8, 8},
                           {false, 8, 8},
                           {true, 8, 4},
                           {false, 4, 4},
                           {true, 4, 2},
                           {false, 2, 2},
                           {true, 2, 1}});
        if (resolution == 512)
            b.insert(b.end(), {{false, 1, 1}, {true, 1, 1}});
    }
    std::vector<std::pair<Block, int>> sized;
    int size = 4;
    for (const auto& block : b) {
        sized.emplace_back(block, size);
        if (block.up)
            size *= 2;
    }
    return sized;
}

std::vector<float> random_values(std::size_t count, float scale, unsigned seed) {
    std::mt19937 gen(seed);
    std::normal_distribution<float> d(0.0f, scale);
    std::vector<float> v(count);
    for (auto& x : v)
        x = d(gen);
    return v;
}

void fill(FeatureMap& m, unsigned seed) {
    const auto v = random_values(static_cast<std::size_t>(m.elements()), 1.0f, seed);
    std::copy(v.begin(), v.end(), m.f32());
    if (m.border() > 0) {  // the border stays zero
        FeatureMap clean(DataType::f32, m.batch(), m.height(), m.width(), m.channels(), m.border());
        for (std::int64_t n = 0; n < m.batch(); ++n)
            for (std::int64_t y = 0; y < m.height(); ++y)
                std::copy_n(m.f32() + m.offset(n, y, 0), m.width() * m.channels(),
                            clean.f32() + clean.offset(n, y, 0));
        m = std::move(clean);
    }
}

// Best CPU seconds per call of `body` (warm-up first).
template <typename Body>
double best_cpu(Body&& body, int repeats) {
    body();
    double best = 1e30;
    for (int r = 0; r < repeats; ++r)
        best = std::min(best, bench::time_it(body).cpu);
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 1, repeats = 5;
    std::vector<int> batches = {1, 4};
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--threads")
            threads = std::atoi(argv[i + 1]);
        else if (a == "--repeats")
            repeats = std::atoi(argv[i + 1]);
        else if (a == "--batch")
            batches = {std::atoi(argv[i + 1])};
    }
    runtime::Engine engine(threads);
    engine.use_on_this_thread();
    fmt::print(
        "float32 convolutions of the generators, {} thread(s), best of {}: GFLOP per "
        "CPU-second, own fused kernel against oneDNN (with its extra passes)\n",
        threads, repeats);
    fmt::print("{:<8} {:>5} {:>6} {:>6} {:>5} {:>5} {:>8} {:>8} {:>8} {:>7}  {}\n", "conv", "batch",
               "in", "out", "H", "W", "own", "oneDNN", "winograd", "own/dn", "rule");
    std::set<std::tuple<int, int, int, int, int, bool>> seen;
    for (int resolution : {128, 256, 512})
        for (const auto& [block, size] : blocks_of(resolution))
            for (int batch : batches)
                for (int j = 0; j < 4; ++j) {
                    const int in = block.in * 128, out = block.out * 128, mid = in / 4;
                    const int h = (j >= 2 && block.up) ? 2 * size : size;
                    const bool up = j == 1 && block.up;
                    const int cin = j == 0 ? in : mid, cout = j == 3 ? out : mid;
                    if (!seen.insert({j, batch, cin, cout, h, up}).second)
                        continue;
                    const int kernel = (j == 0 || j == 3) ? 1 : 3;
                    const auto w = random_values(
                        static_cast<std::size_t>(cin) * cout * kernel * kernel, 0.02f, 1);
                    const auto bias = random_values(cout, 0.1f, 2);
                    const auto scale =
                        random_values(static_cast<std::size_t>(batch) * cout, 1.0f, 3);
                    const auto shift =
                        random_values(static_cast<std::size_t>(batch) * cout, 1.0f, 4);
                    const auto in_scale =
                        random_values(static_cast<std::size_t>(batch) * cin, 1.0f, 5);
                    const auto in_shift =
                        random_values(static_cast<std::size_t>(batch) * cin, 1.0f, 6);
                    const int oh = up ? 2 * h : h;
                    const double flops = 2.0 * batch * oh * oh * cout * cin * kernel * kernel;
                    ConvEpilogueOps affine{
                        .scale = scale.data(), .shift = shift.data(), .relu = true};
                    double own = 0, dn = 0, wino = 0;
                    if (j == 0) {
                        FeatureMap x(DataType::f32, batch, h, h, cin), t0, y;
                        fill(x, 7);
                        runtime::FusedConv conv(w, bias, cout, cin, 1, DataType::f32);
                        runtime::DnnlConv dconv(w, bias, cout, cin, 1);
                        const runtime::ConvPrologue bn0{in_scale.data(), in_shift.data(), true};
                        y.resize(DataType::f32, batch, h, h, cout, 1);
                        own = best_cpu([&] { conv.run(engine, x, y, affine, &bn0); }, repeats);
                        t0.resize(DataType::f32, batch, h, h, cin);
                        y.resize(DataType::f32, batch, h, h, cout);
                        dn = best_cpu(
                            [&] {
                                runtime::channel_affine(x, t0, in_scale.data(), in_shift.data(),
                                                        true);
                                dconv.run(engine, t0, y, affine);
                            },
                            repeats);
                    } else if (j == 3) {
                        const int xs = block.up ? h / 2 : h;
                        FeatureMap x(DataType::f32, batch, xs, xs, in),
                            h3(DataType::f32, batch, h, h, cin),
                            y(DataType::f32, batch, h, h, cout);
                        fill(x, 7);
                        fill(h3, 8);
                        runtime::FusedConv conv(w, bias, cout, cin, 1, DataType::f32);
                        runtime::DnnlConv dconv(w, bias, cout, cin, 1);
                        const bool in_place = !block.up && in == out;
                        ConvEpilogueOps skip{.residual = in_place ? &y : &x,
                                             .residual_upsampled = block.up};
                        own = best_cpu([&] { conv.run(engine, h3, y, skip); }, repeats);
                        ConvEpilogueOps sum{.residual = &y};
                        dn = best_cpu(
                            [&] {
                                if (!in_place)
                                    runtime::skip_channels(x, y, block.up);
                                dconv.run(engine, h3, y, sum);
                            },
                            repeats);
                    } else if (up) {
                        FeatureMap x(DataType::f32, batch, h, h, cin, 1),
                            y(DataType::f32, batch, 2 * h, 2 * h, cout, 1);
                        fill(x, 7);
                        runtime::UpsampledConv3x3 conv(
                            w, bias, cout, cin, runtime::ConvKernelSource::own, DataType::f32);
                        own = best_cpu([&] { conv.run(engine, x, y, affine); }, repeats);
                        runtime::UpsampledConv3x3 dconv(
                            w, bias, cout, cin, runtime::ConvKernelSource::dnnl, DataType::f32);
                        dn = best_cpu([&] { dconv.run(engine, x, y, affine); }, repeats);
                    } else {
                        FeatureMap x(DataType::f32, batch, h, h, cin, 1),
                            y(DataType::f32, batch, h, h, cout, j == 1 ? 1 : 0);
                        fill(x, 7);
                        runtime::FusedConv conv(w, bias, cout, cin, 3, DataType::f32);
                        runtime::DnnlConv dconv(w, bias, cout, cin, 3);
                        own = best_cpu([&] { conv.run(engine, x, y, affine); }, repeats);
                        y.resize(DataType::f32, batch, h, h, cout);
                        dn = best_cpu([&] { dconv.run(engine, x, y, affine); }, repeats);
                        if (runtime::WinogradConv::runs(cout, cin, runtime::cpu_isa())) {
                            runtime::WinogradConv wconv(w, bias, cout, cin);
                            wino = best_cpu([&] { wconv.run(engine, x, y, affine); }, repeats);
                        }
                    }
                    const char* names[4] = {"conv_0", up ? "up_1" : "conv_1", "conv_2", "conv_3"};
                    const runtime::ConvRole role{.kernel = kernel,
                                                 .upsampled = up,
                                                 .prologue = j == 0,
                                                 .residual_pass = j == 3 && (block.up || in != out),
                                                 .pixels = static_cast<std::int64_t>(h) * h};
                    const auto rule = runtime::choose_conv_kernel(role, cin, cout, DataType::f32,
                                                                  runtime::cpu_isa());
                    using S = runtime::ConvKernelSource;
                    const double fastest = std::min({own, dn, wino > 0 ? wino : 1e30});
                    const double ruled = rule == S::own ? own : rule == S::dnnl ? dn : wino;
                    fmt::print(
                        "{:<8} {:>5} {:>6} {:>6} {:>5} {:>5} {:>8.1f} {:>8.1f} {:>8} {:>7.2f}  "
                        "{}{}\n",
                        names[j], batch, cin, cout, oh, oh, flops * 1e-9 / own, flops * 1e-9 / dn,
                        wino > 0 ? fmt::format("{:.1f}", flops * 1e-9 / wino) : "—", dn / own,
                        rule == S::own    ? "own"
                        : rule == S::dnnl ? "oneDNN"
                                          : "winograd",
                        ruled == fastest ? "" : " (another was faster)");
                    std::fflush(stdout);
                }
    return 0;
}
