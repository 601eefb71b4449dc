// runtime/gemv: y = x·Wᵀ + bias for a few rows x and a large W, W read once at the memory's
// speed. At a batch of one a linear layer's whole cost is reading W: oneDNN's matmul read the
// generator's float32 ones at ~60 % of it, and repacks bfloat16 ones on every call.
#pragma once

#include <cstdint>

namespace bgv::runtime {

// x: (rows, in), W: (out, in) as PyTorch stores a linear layer, bias: out floats or null, y:
// (rows, out); float32 throughout, `in` a multiple of 16 (kLanes), on the instruction set the
// runtime's kernels follow (cpu_isa.h). Each output is one sum in a fixed order, whatever the
// thread count.
void gemv_f32(const float* x, const float* weight, const float* bias, float* y, std::int64_t rows,
              std::int64_t in, std::int64_t out);

// The same with x and W in bfloat16 (x: (rows, in), W: (out, in)), float32 products (exact) and
// sums, on AVX-512 BF16 (vdpbf16ps): `in` a multiple of kGemvBf16Multiple. Needs
// supports_bf16(cpu_isa()).
constexpr std::int64_t kGemvBf16Multiple = 32;  // bfloat16 values per vdpbf16ps
void gemv_bf16(const std::uint16_t* x, const std::uint16_t* weight, const float* bias, float* y,
               std::int64_t rows, std::int64_t in, std::int64_t out);

}  // namespace bgv::runtime
