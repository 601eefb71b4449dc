// Test support: what the generator's implementations list (Generator::implementations) must
// look like for every operation on the hot path to run on a fast kernel.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "runtime/cpu_isa.h"

namespace bgv::test {

// No oneDNN reference (ref:) implementation, ~100× slower; the runtime's own kernels ("bgv:")
// built for the instruction set the process runs, never the portable loops where the CPU has
// AVX2; bfloat16 convolutions on AMX tiles where the CPU has them; bfloat16 linear layers on the
// runtime's gemv (vdpbf16ps); float32 3×3 convolutions sent to Winograd (runtime/convolution.h)
// on a Winograd kernel, not the direct fallback, and on AVX-512 at least one of them.
inline void expect_fast_kernels(const std::map<std::string, std::string>& implementations,
                                bool bf16) {
    using runtime::CpuIsa;
    const CpuIsa isa = runtime::cpu_isa();
    const std::string own = isa >= CpuIsa::avx512 ? "bgv:avx512"
                            : isa == CpuIsa::avx2 ? "bgv:avx2"
                                                  : "bgv:generic";
    EXPECT_FALSE(implementations.empty());
    int winograd = 0;
    for (const auto& [what, impl] : implementations) {
        SCOPED_TRACE(what + ": " + impl);
        EXPECT_NE(impl.rfind("ref", 0), 0u);
        if (what.find(" winograd ") != std::string::npos) {
            EXPECT_NE(impl.find("_wino_"), std::string::npos);
            ++winograd;
        }
        if (impl.rfind("bgv:", 0) != 0)
            continue;
        const bool bf16_linear = bf16 && what.starts_with("linear ");
        const bool bf16_conv = bf16 && !bf16_linear && what.ends_with(" bf16");
        if (bf16_linear)
            EXPECT_EQ(impl, "bgv:avx512_bf16 gemv");
        else if (bf16_conv && isa == CpuIsa::avx512_amx)
            EXPECT_EQ(impl.rfind("bgv:amx", 0), 0u);
        else if (bf16_conv)
            EXPECT_EQ(impl.rfind("bgv:avx512_bf16", 0), 0u);
        else
            EXPECT_EQ(impl.rfind(own, 0), 0u);
    }
    if (isa >= CpuIsa::avx512 && !bf16) {
        EXPECT_GT(winograd, 0);
    }
}

}  // namespace bgv::test
