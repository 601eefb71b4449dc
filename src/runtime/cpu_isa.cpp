#include "runtime/cpu_isa.h"

#include <oneapi/dnnl/dnnl.hpp>

namespace bgv::runtime {

namespace {

CpuIsa detect() {
    using dnnl::cpu_isa;
    // oneDNN reads ONEDNN_MAX_CPU_ISA here, once, and answers with what it will use.
    switch (dnnl::get_effective_cpu_isa()) {
        case cpu_isa::avx512_core_amx:
            return CpuIsa::avx512_amx;
        case cpu_isa::avx512_core_bf16:
            return CpuIsa::avx512_bf16;
        case cpu_isa::avx512_core:
        case cpu_isa::avx512_core_vnni:
            return CpuIsa::avx512;
        case cpu_isa::avx2:
        case cpu_isa::avx2_vnni:
            return CpuIsa::avx2;
        default:
            return CpuIsa::generic;
    }
}

}  // namespace

CpuIsa cpu_isa() {
    static const CpuIsa isa = detect();
    return isa;
}

std::string_view cpu_isa_name(CpuIsa isa) {
    switch (isa) {
        case CpuIsa::generic:
            return "generic";
        case CpuIsa::avx2:
            return "avx2";
        case CpuIsa::avx512:
            return "avx512";
        case CpuIsa::avx512_bf16:
            return "avx512_bf16";
        case CpuIsa::avx512_amx:
            return "avx512_amx";
    }
    return "?";
}

std::string_view float_kernels_name(CpuIsa isa) {
    return isa >= CpuIsa::avx512 ? "avx512" : isa == CpuIsa::avx2 ? "avx2" : "generic";
}

bool supports_bf16(CpuIsa isa) {
    return isa == CpuIsa::avx512_bf16 || isa == CpuIsa::avx512_amx;
}

}  // namespace bgv::runtime
