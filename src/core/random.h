// core/random: a small seeded random number generator with a documented algorithm, so that a
// seed gives the same draws on every platform and compiler (std:: distributions do not).
#pragma once

#include <cstdint>
#include <span>

namespace bgv {

// xoshiro256** (Blackman & Vigna 2018), its state seeded from the 64-bit seed by four SplitMix64
// steps. uniform(): the top 53 bits of a draw scaled to [0, 1). normal(): Box–Muller on two
// uniforms u1 ∈ (0, 1], u2 ∈ [0, 1): sqrt(-2 ln u1)·cos(2π u2), then sin(…) for the next call.
// truncated_normal(lo, hi): normal() draws repeated until one falls in [lo, hi] (rejection, which
// keeps the exact truncated distribution; ~95% of draws are accepted for [-2, 2]).
// Random(seed, stream): the same with seed + stream * 0xD1B54A32D192ED03 (mod 2^64) as the
// SplitMix64 start, so that one seed gives independent streams (stream 0 is Random(seed)).
// below(n): next() redrawn while it is < (2^64 - n) mod n, then taken mod n (unbiased).
// tools/choreo_reference.py re-implements all of this in Python, draw for draw.
class Random {
  public:
    explicit Random(std::uint64_t seed, std::uint64_t stream = 0);

    std::uint64_t next();
    double uniform();
    std::uint64_t below(std::uint64_t n);
    double normal();
    double truncated_normal(double lo, double hi);

  private:
    std::uint64_t state_[4];
    bool has_spare_ = false;
    double spare_ = 0.0;
};

// A fresh seed from the operating system, below 2^53 so that it survives JSON and the CLI.
std::uint64_t draw_seed();

// BigGAN noise: scale · truncnorm(-2, 2) for every value, in order.
void fill_truncated_noise(Random& random, double scale, std::span<float> out);

}  // namespace bgv
