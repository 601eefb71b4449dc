#include "runtime/softmax.h"

#include <fmt/format.h>

#include "runtime/dnnl_engine.h"

namespace bgv::runtime {

void softmax_rows(Engine& engine, float* x, std::int64_t rows, std::int64_t cols) {
    auto& impl = engine.impl();
    impl.use_on_this_thread();
    const dnnl::memory::desc md({rows, cols}, dnnl::memory::data_type::f32,
                                dnnl::memory::format_tag::ab);
    const std::string key = fmt::format("softmax {} {}", rows, cols);
    auto it = impl.primitives.find(key);
    if (it == impl.primitives.end()) {
        dnnl::primitive_attr attr;
        attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
        dnnl::softmax_forward::primitive_desc pd({dnnl::prop_kind::forward_inference, md, 1}, attr,
                                                 impl.engine);
        report_implementation(key, pd.impl_info_str());
        it = impl.primitives
                 .emplace(key, CachedPrimitive{dnnl::softmax_forward(pd), {}, pd.scratchpad_desc()})
                 .first;
    }
    dnnl::memory data(md, impl.engine, x);
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, data}, {DNNL_ARG_DST, data}};
    const auto& scratch = it->second.scratch_desc;
    if (scratch.get_size() > 0)
        args[DNNL_ARG_SCRATCHPAD] =
            dnnl::memory(scratch, impl.engine, impl.scratch(scratch.get_size()));
    it->second.primitive.execute(impl.stream, args);
}

}  // namespace bgv::runtime
