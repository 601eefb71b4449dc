#include "runtime/eltwise.h"

#include <fmt/format.h>

#include "runtime/dnnl_engine.h"

namespace bgv::runtime {

void apply_activation(Engine& engine, std::span<float> values, Activation activation) {
    if (activation == Activation::none || values.empty())
        return;
    auto& impl = engine.impl();
    impl.use_on_this_thread();
    const auto count = static_cast<dnnl::memory::dim>(values.size());
    const dnnl::memory::desc md({count}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::a);
    const std::string key = fmt::format("eltwise {} {}", static_cast<int>(activation), count);
    auto it = impl.primitives.find(key);
    if (it == impl.primitives.end()) {
        dnnl::eltwise_forward::primitive_desc pd(
            {dnnl::prop_kind::forward_inference, eltwise_algorithm(activation), md, 0.0f, 0.0f},
            impl.engine);
        report_implementation(impl, key, pd.impl_info_str());
        it = impl.primitives.emplace(key, CachedPrimitive{dnnl::eltwise_forward(pd), {}, {}}).first;
    }
    dnnl::memory data(md, impl.engine, values.data());
    it->second.primitive.execute(impl.stream, {{DNNL_ARG_SRC, data}, {DNNL_ARG_DST, data}});
}

}  // namespace bgv::runtime
