// runtime/attention: multi-head scaled dot-product attention over short padded sequences (BERT),
// with padded keys masked out, as one pass over each (sequence, head) with no GEMM calls: for
// sentences of a few dozen tokens the per-call overhead of a library GEMM outweighs the arithmetic.
#pragma once

#include <cstdint>
#include <span>

namespace bgv::runtime {

// qkv: (batch·length, 3·heads·head_size) rows, each [query | key | value], head h at columns
// h·head_size of each part. real_lengths[b] ≤ length: tokens of sequence b that are not padding;
// keys beyond it get no attention. context: (batch·length, heads·head_size); rows of padding
// positions are set to zero. scores are scaled by 1/√head_size.
void masked_multi_head_attention(const float* qkv, float* context, std::int64_t batch,
                                 std::int64_t length, std::int64_t heads, std::int64_t head_size,
                                 std::span<const std::int64_t> real_lengths);

}  // namespace bgv::runtime
