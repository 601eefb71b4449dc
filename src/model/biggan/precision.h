// model/biggan/precision: the arithmetic the generator's forward pass runs in, a choice the
// render options, `generate` and the benchmarks name (docs/biggan-deep.md, "Precision").
#pragma once

#include <string_view>

namespace bgv::biggan {

// fp32: float32 throughout (the reference). bf16: bfloat16 weights and activations into the
// convolutions and the attention's products, float32 accumulation; the batch norms, softmax,
// residual stream and output stay float32.
enum class Precision { fp32, bf16 };
std::string_view precision_name(Precision precision);

// The precision a request for `requested` runs in on this CPU: bf16 needs avx512_bf16 or AMX
// (runtime/cpu_isa.h); elsewhere fp32. The model's own condition (even channel counts) is the
// generator's to add.
Precision precision_on_this_cpu(Precision requested);

}  // namespace bgv::biggan
