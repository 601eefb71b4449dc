// core/random: the one seeded random number generator of bigganviz and the draws built on it
// (uniform, integer below n, normal, truncated normal), specified bit-exactly so that the Python
// references in tools/ can replay every draw.
//
// Algorithm (tools/choreo_reference.py re-implements it):
//  - state: four 64-bit words, filled by splitmix64 started at seed + stream * 0xD1B54A32D192ED03;
//  - next_u64: xoshiro256** (Blackman & Vigna);
//  - uniform: (next_u64() >> 11) * 2^-53, in [0, 1);
//  - below(n): x = next_u64() until x >= (2^64 - n) mod n, then x mod n (unbiased);
//  - normal: Box-Muller with u1 = 1 - uniform(), u2 = uniform(): sqrt(-2 ln u1) * cos(2 pi u2),
//    one value per pair of uniforms;
//  - truncated_normal(b): normal() redrawn until |x| <= b.
#pragma once

#include <array>
#include <cstdint>

namespace bgv {

class Rng {
  public:
    // Different `stream`s of one seed give independent sequences, so that e.g. choosing the
    // classes by hand does not change the noise drawn after them.
    explicit Rng(std::uint64_t seed, std::uint64_t stream = 0);

    std::uint64_t next_u64();
    double uniform();
    std::uint64_t below(std::uint64_t n);
    double normal();
    double truncated_normal(double bound);

  private:
    std::array<std::uint64_t, 4> state_{};
};

// A fresh seed from the operating system, below 2^53 so that it survives JSON and the CLI.
std::uint64_t draw_seed();

}  // namespace bgv
