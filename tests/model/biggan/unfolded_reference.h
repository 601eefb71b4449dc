// The generator written plainly, in double precision and NCHW, straight from
// docs/biggan-deep.md: the oracle the folded, fused generator (model/biggan) is tested against.
// Test support only: spectral norm computed per call, batch norm applied as its own pass from
// the raw statistics, no fusion; slow, for small test models.
#pragma once

#include <span>

#include "checkpoint/checkpoint.h"
#include "model/biggan/config.h"

namespace bgv::test {

void generate_unfolded(const checkpoint::StateDict& weights, const biggan::Config& config,
                       double truncation, std::span<const float> z, std::span<const float> y,
                       int batch, std::span<float> out);

}  // namespace bgv::test
