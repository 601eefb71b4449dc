#include "runtime/softmax.h"

#include <fmt/format.h>

#include "runtime/dnnl_engine.h"

namespace bgv::runtime {

void softmax_rows(Engine& engine, float* x, std::int64_t rows, std::int64_t cols) {
    softmax_rows(engine, x, x, DataType::f32, rows, cols);
}

void softmax_rows(Engine& engine, const float* in, void* out, DataType out_type, std::int64_t rows,
                  std::int64_t cols) {
    using dnnl::memory;
    auto& impl = engine.impl();
    impl.use_on_this_thread();
    const memory::desc src_md({rows, cols}, memory::data_type::f32, memory::format_tag::ab);
    const memory::desc dst_md(
        {rows, cols}, out_type == DataType::f32 ? memory::data_type::f32 : memory::data_type::bf16,
        memory::format_tag::ab);
    const std::string key =
        fmt::format("softmax {} {} f32 to {}", rows, cols, data_type_name(out_type));
    auto it = impl.primitives.find(key);
    if (it == impl.primitives.end()) {
        dnnl::primitive_attr attr;
        attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
        dnnl::softmax_v2_forward::primitive_desc pd(
            {dnnl::prop_kind::forward_inference, dnnl::algorithm::softmax_accurate, src_md, dst_md,
             1},
            attr, impl.engine);
        report_implementation(impl, key, pd.impl_info_str());
        it = impl.primitives
                 .emplace(key,
                          CachedPrimitive{dnnl::softmax_v2_forward(pd), {}, pd.scratchpad_desc()})
                 .first;
    }
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, memory(src_md, impl.engine, const_cast<float*>(in))},
        {DNNL_ARG_DST, memory(dst_md, impl.engine, out)}};
    const auto& scratch = it->second.scratch_desc;
    if (scratch.get_size() > 0)
        args[DNNL_ARG_SCRATCHPAD] = memory(scratch, impl.engine, impl.scratch(scratch.get_size()));
    it->second.primitive.execute(impl.stream, args);
}

}  // namespace bgv::runtime
