// runtime/gemv_bf16: y = x·Wᵀ + bias for a few rows x and a large W stored in bfloat16, on
// AVX-512 BF16 (vdpbf16ps). At a batch of one a linear layer's whole cost is reading W once;
// oneDNN's bf16 matmul repacks W on every call and reads it at half the memory's speed.
#pragma once

#include <cstdint>

namespace bgv::runtime {

// x: (rows, in) float32, rounded to bfloat16 for the product (round to nearest even); W: (out,
// in) bfloat16 as PyTorch stores a linear layer; bias: out floats or null; y: (rows, out)
// float32, accumulated in float32. `in` a multiple of 32. Needs supports_bf16(cpu_isa()).
void gemv_bf16(const float* x, const std::uint16_t* weight, const float* bias, float* y,
               std::int64_t rows, std::int64_t in, std::int64_t out);

}  // namespace bgv::runtime
