// runtime/matmul: (batched) matrix products C = A·B on row-major float32 matrices, with bias,
// scaling, accumulation and activation fused; any row strides, so heads or channel slices of a
// larger matrix can be multiplied in place. Primitives are cached per shape in the Engine.
#pragma once

#include <cstdint>

#include "runtime/activation.h"
#include "runtime/engine.h"
#include "runtime/feature_map.h"

namespace bgv::runtime {

// A is (m, k), B is (k, n) — or (n, k) read transposed when transpose_b — and C is (m, n), each
// `batch` times. Leading dimensions (row strides) and batch strides of 0 mean "dense".
// Element types: A and B both float32 or both bfloat16 (then float32 accumulation); C either.
struct MatmulShape {
    std::int64_t batch = 1, m = 0, k = 0, n = 0;
    bool transpose_b = false;
    std::int64_t lda = 0, ldb = 0, ldc = 0;
    std::int64_t batch_stride_a = 0, batch_stride_b = 0, batch_stride_c = 0;
    DataType ab_type = DataType::f32, c_type = DataType::f32;
};

// Applied in this order: + bias (n values, same for every row), × alpha, + C's previous
// contents (accumulate), activation.
struct MatmulEpilogue {
    const float* bias = nullptr;
    float alpha = 1.0f;
    bool accumulate = false;
    Activation activation = Activation::none;
};

void matmul(Engine& engine, const float* a, const float* b, float* c, const MatmulShape& shape,
            const MatmulEpilogue& epilogue = {});
// The same for the element types the shape names (bias, when given, is float32).
void matmul(Engine& engine, const void* a, const void* b, void* c, const MatmulShape& shape,
            const MatmulEpilogue& epilogue = {});

// y = x·Wᵀ + bias for x (rows, in) and W (out, in) as PyTorch stores a linear layer.
void linear(Engine& engine, const float* x, const float* weight, const float* bias, float* y,
            std::int64_t rows, std::int64_t in, std::int64_t out,
            Activation activation = Activation::none);
// The same with W in bfloat16 (rounded once by the caller, to_bf16): x is rounded to bfloat16
// for the product, accumulated in float32. Half the weight bytes: at a batch of one, reading W
// is the whole cost.
void linear(Engine& engine, const float* x, const std::uint16_t* weight_bf16, const float* bias,
            float* y, std::int64_t rows, std::int64_t in, std::int64_t out);

}  // namespace bgv::runtime
