// runtime/activation: the pointwise nonlinearities that operations can fuse at their end.
#pragma once

namespace bgv::runtime {

enum class Activation { none, relu, tanh, gelu_erf };

}  // namespace bgv::runtime
