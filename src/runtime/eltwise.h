// runtime/eltwise: an activation applied in place to a whole buffer on oneDNN's vectorised
// kernels (tanh, GELU and friends cost ~20 ns a value as scalar libm calls).
#pragma once

#include <span>

#include "runtime/activation.h"
#include "runtime/engine.h"

namespace bgv::runtime {

void apply_activation(Engine& engine, std::span<float> values, Activation activation);

}  // namespace bgv::runtime
