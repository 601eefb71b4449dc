#include "runtime/matmul.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "core/assert.h"
#include "core/error.h"
#include "runtime/conv_kernel.h"
#include "runtime/cpu_isa.h"
#include "runtime/dnnl_engine.h"
#include "runtime/gemv.h"
#include "runtime/lanes.h"

namespace bgv::runtime {

namespace {
// Up to this many rows, a linear layer reads its weights once in gemv_f32 or gemv_bf16.
constexpr std::int64_t kGemvRows = 8;

using dnnl::memory;
using dt = dnnl::memory::data_type;

dt dnnl_type(DataType type) {
    return type == DataType::f32 ? dt::f32 : dt::bf16;
}

struct Layouts {
    memory::desc a, b, c, bias;
};

Layouts layouts(const MatmulShape& s, bool with_bias) {
    const std::int64_t lda = s.lda ? s.lda : s.k;
    const std::int64_t ldb = s.ldb ? s.ldb : (s.transpose_b ? s.k : s.n);
    const std::int64_t ldc = s.ldc ? s.ldc : s.n;
    const std::int64_t sa = s.batch_stride_a ? s.batch_stride_a : s.m * lda;
    const std::int64_t sb = s.batch_stride_b ? s.batch_stride_b : (s.transpose_b ? s.n : s.k) * ldb;
    const std::int64_t sc = s.batch_stride_c ? s.batch_stride_c : s.m * ldc;
    Layouts l;
    const dt ab = dnnl_type(s.ab_type);
    l.a = memory::desc({s.batch, s.m, s.k}, ab, memory::dims{sa, lda, 1});
    l.b = s.transpose_b ? memory::desc({s.batch, s.k, s.n}, ab, memory::dims{sb, 1, ldb})
                        : memory::desc({s.batch, s.k, s.n}, ab, memory::dims{sb, ldb, 1});
    l.c = memory::desc({s.batch, s.m, s.n}, dnnl_type(s.c_type), memory::dims{sc, ldc, 1});
    if (with_bias)
        l.bias = memory::desc({1, 1, s.n}, dt::f32, memory::dims{s.n, s.n, 1});
    return l;
}

}  // namespace

void matmul(Engine& engine, const float* a, const float* b, float* c, const MatmulShape& shape,
            const MatmulEpilogue& epilogue) {
    BGV_ASSERT(shape.ab_type == DataType::f32 && shape.c_type == DataType::f32,
               "matmul: float pointers for a {} · {} product", data_type_name(shape.ab_type),
               data_type_name(shape.c_type));
    matmul(engine, static_cast<const void*>(a), static_cast<const void*>(b), static_cast<void*>(c),
           shape, epilogue);
}

void matmul(Engine& engine, const void* a, const void* b, void* c, const MatmulShape& shape,
            const MatmulEpilogue& epilogue) {
    BGV_ASSERT(shape.batch > 0 && shape.m > 0 && shape.k > 0 && shape.n > 0,
               "matmul: bad shape batch {} m {} k {} n {}", shape.batch, shape.m, shape.k, shape.n);
    auto& impl = engine.impl();
    impl.use_on_this_thread();
    const bool with_bias = epilogue.bias != nullptr;
    const Layouts l = layouts(shape, with_bias);
    const std::string key =
        fmt::format("matmul {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}", shape.batch,
                    shape.m, shape.k, shape.n, shape.transpose_b, shape.lda, shape.ldb, shape.ldc,
                    shape.batch_stride_a, shape.batch_stride_b, shape.batch_stride_c, with_bias,
                    epilogue.alpha, epilogue.accumulate, static_cast<int>(epilogue.activation),
                    data_type_name(shape.ab_type), data_type_name(shape.c_type));
    auto it = impl.primitives.find(key);
    if (it == impl.primitives.end()) {
        dnnl::post_ops ops;
        if (epilogue.alpha != 1.0f)
            ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear, epilogue.alpha, 0.0f);
        if (epilogue.accumulate)
            ops.append_sum(1.0f);
        if (epilogue.activation != Activation::none)
            ops.append_eltwise(1.0f, eltwise_algorithm(epilogue.activation), 0.0f, 0.0f);
        dnnl::primitive_attr attr;
        attr.set_post_ops(ops);
        attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
        auto desc = with_bias ? dnnl::matmul::desc(l.a, l.b, l.bias, l.c)
                              : dnnl::matmul::desc(l.a, l.b, l.c);
        dnnl::matmul::primitive_desc pd(desc, attr, impl.engine);
        report_implementation(
            impl,
            fmt::format("matmul {}x({}x{})·({}x{}){} {}", shape.batch, shape.m, shape.k, shape.k,
                        shape.n, shape.transpose_b ? "ᵀ" : "", data_type_name(shape.ab_type)),
            pd.impl_info_str());
        it = impl.primitives
                 .emplace(key, CachedPrimitive{dnnl::matmul(pd), {}, pd.scratchpad_desc()})
                 .first;
    }
    const CachedPrimitive& p = it->second;
    std::unordered_map<int, memory> args;
    args[DNNL_ARG_SRC] = memory(l.a, impl.engine, const_cast<void*>(a));
    args[DNNL_ARG_WEIGHTS] = memory(l.b, impl.engine, const_cast<void*>(b));
    args[DNNL_ARG_DST] = memory(l.c, impl.engine, c);
    if (with_bias)
        args[DNNL_ARG_BIAS] = memory(l.bias, impl.engine, const_cast<float*>(epilogue.bias));
    if (p.scratch_desc.get_size() > 0)
        args[DNNL_ARG_SCRATCHPAD] =
            memory(p.scratch_desc, impl.engine, impl.scratch(p.scratch_desc.get_size()));
    p.primitive.execute(impl.stream, args);
}

void linear(Engine& engine, const float* x, const float* weight, const float* bias, float* y,
            std::int64_t rows, std::int64_t in, std::int64_t out, Activation activation) {
    if (activation == Activation::none && in % kLanes == 0 && rows <= kGemvRows) {
        engine.impl().use_on_this_thread();
        report_implementation(engine.impl(),
                              fmt::format("linear {}x{} by ({}x{})ᵀ f32", rows, in, out, in),
                              fmt::format("bgv:{} gemv", float_kernels_name(cpu_isa())));
        gemv_f32(x, weight, bias, y, rows, in, out);
        return;
    }
    matmul(engine, x, weight, y, MatmulShape{.m = rows, .k = in, .n = out, .transpose_b = true},
           MatmulEpilogue{.bias = bias, .activation = activation});
}

void linear(Engine& engine, const float* x, const std::uint16_t* weight_bf16, const float* bias,
            float* y, std::int64_t rows, std::int64_t in, std::int64_t out) {
    std::vector<std::uint16_t> x_bf16(static_cast<std::size_t>(rows * in));
    std::transform(x, x + rows * in, x_bf16.begin(), to_bf16);
    if (in % kGemvBf16Multiple == 0 && rows <= kGemvRows) {
        engine.impl().use_on_this_thread();
        report_implementation(engine.impl(),
                              fmt::format("linear {}x{} by ({}x{})ᵀ bf16", rows, in, out, in),
                              "bgv:avx512_bf16 gemv");
        gemv_bf16(x_bf16.data(), weight_bf16, bias, y, rows, in, out);
        return;
    }
    matmul(engine, x_bf16.data(), weight_bf16, y,
           MatmulShape{.m = rows,
                       .k = in,
                       .n = out,
                       .transpose_b = true,
                       .ab_type = DataType::bf16,
                       .c_type = DataType::f32},
           MatmulEpilogue{.bias = bias});
}

}  // namespace bgv::runtime
