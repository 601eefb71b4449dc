// runtime/lanes: 16 floats as one GCC vector (one AVX-512 register, two AVX2 ones, four SSE
// ones: the compiler picks per target), and the sum of its lanes as a tree.
#pragma once

#include <cstring>

namespace bgv::runtime {

constexpr int kLanes = 16;
using Lanes = float __attribute__((vector_size(kLanes * sizeof(float))));
using HalfLanes = float __attribute__((vector_size(kLanes / 2 * sizeof(float))));
using QuarterLanes = float __attribute__((vector_size(kLanes / 4 * sizeof(float))));

// Two vector additions, then four scalars (a chain of 16 scalar additions per output costs as
// much as a narrow convolution's multiplications for its pixel).
inline __attribute__((always_inline)) float sum_lanes(const Lanes& v) {
    HalfLanes lo, hi;
    std::memcpy(&lo, &v, sizeof lo);
    std::memcpy(&hi, reinterpret_cast<const char*>(&v) + sizeof lo, sizeof hi);
    const HalfLanes h = lo + hi;
    QuarterLanes qlo, qhi;
    std::memcpy(&qlo, &h, sizeof qlo);
    std::memcpy(&qhi, reinterpret_cast<const char*>(&h) + sizeof qlo, sizeof qhi);
    const QuarterLanes q = qlo + qhi;
    return (q[0] + q[2]) + (q[1] + q[3]);
}

}  // namespace bgv::runtime
