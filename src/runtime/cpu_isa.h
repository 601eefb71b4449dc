// runtime/cpu_isa: the instruction set the runtime's kernels run on: oneDNN's choice for this
// CPU (ONEDNN_MAX_CPU_ISA lowers it), which the runtime's own kernels follow, so that one
// setting moves every kernel to the same path.
#pragma once

#include <string_view>

namespace bgv::runtime {

enum class CpuIsa {
    generic,      // plain C++ loops (no AVX2)
    avx2,         // AVX2 + FMA, 8 floats a vector
    avx512,       // AVX-512 (F, BW, VL, DQ), 16 floats a vector
    avx512_bf16,  // AVX-512 with the bfloat16 dot product (vdpbf16ps)
    avx512_amx,   // the above with AMX tiles (oneDNN uses them for bf16)
};

// Decided once per process.
CpuIsa cpu_isa();
std::string_view cpu_isa_name(CpuIsa isa);
// The vectors the runtime's float32 kernels use on `isa`: "avx512" (every AVX-512 level),
// "avx2" or "generic", as their implementation names say ("bgv:avx512 narrow").
std::string_view float_kernels_name(CpuIsa isa);
// bfloat16 arithmetic runs in hardware (the runtime's kernels and oneDNN's).
bool supports_bf16(CpuIsa isa);

}  // namespace bgv::runtime
