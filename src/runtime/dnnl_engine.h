// runtime/dnnl_engine: the oneDNN objects behind Engine, for the runtime's own sources only
// (other modules never include oneDNN).
#pragma once

#include <omp.h>

#include <map>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <unordered_map>

#include "runtime/activation.h"
#include "runtime/engine.h"
#include "runtime/tensor.h"

namespace bgv::runtime {

struct CachedPrimitive {
    dnnl::primitive primitive;
    dnnl::memory::desc weights_desc;  // as the implementation wants it (convolution, inner product)
    dnnl::memory::desc scratch_desc;
};

struct EngineImpl {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
    int threads = 1;
    // OpenMP's thread count belongs to the calling thread: set before every operation.
    void use_on_this_thread() const {
        if (omp_get_max_threads() != threads)
            omp_set_num_threads(threads);
    }
    // Shape-keyed primitives for the free functions (matmul); objects holding weights keep their
    // own.
    std::unordered_map<std::string, CachedPrimitive> primitives;
    // One scratchpad shared by every primitive (the CPU stream runs one primitive at a time).
    void* scratch(std::size_t bytes) {
        if (bytes > scratch_bytes) {
            scratch_buffer = dnnl::memory(
                dnnl::memory::desc({static_cast<dnnl::memory::dim>(bytes)},
                                   dnnl::memory::data_type::u8, dnnl::memory::format_tag::a),
                engine);
            scratch_bytes = bytes;
        }
        return scratch_buffer.get_data_handle();
    }
    dnnl::memory scratch_buffer;
    std::size_t scratch_bytes = 0;
    // The Winograd convolutions' input and output in oneDNN's blocks (runtime/winograd_conv.h),
    // shared by every layer as the scratchpad is.
    Tensor winograd_in, winograd_out;
    // Every operation this engine has run, with the implementation that runs it.
    std::map<std::string, std::string> implementations;
};

// Records (and logs) the implementation picked for an operation, and warns when it is one of
// oneDNN's reference (ref:) ones: those are ~100x slower and mean a post-op or layout
// combination the optimised kernels do not cover.
void report_implementation(EngineImpl& engine, const std::string& what,
                           const std::string& impl_info);

// oneDNN's eltwise algorithm for an activation (undef for none).
inline dnnl::algorithm eltwise_algorithm(Activation activation) {
    switch (activation) {
        case Activation::relu:
            return dnnl::algorithm::eltwise_relu;
        case Activation::tanh:
            return dnnl::algorithm::eltwise_tanh;
        case Activation::gelu_erf:
            return dnnl::algorithm::eltwise_gelu_erf;
        case Activation::none:
            break;
    }
    return dnnl::algorithm::undef;
}

inline dnnl::memory::dims dims_of(std::initializer_list<std::int64_t> d) {
    return dnnl::memory::dims(d.begin(), d.end());
}

}  // namespace bgv::runtime
