// checkpoint/tensor: the host tensor every checkpoint reader produces, float32 in C order, and
// the state dict that maps parameter names to them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bgv::checkpoint {

struct Tensor {
    std::vector<std::int64_t> shape;  // empty for a 0-d scalar
    std::vector<float> data;          // float32, C order (contiguous)
};

using StateDict = std::map<std::string, Tensor>;

}  // namespace bgv::checkpoint
